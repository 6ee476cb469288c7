using System.Text.Json;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

/// <summary>The issue's "done when": the three arXiv kinds polled through the real CLI, re-polled, updated to v2, exported.</summary>
public abstract class ArxivEndToEndTests : LoopbackTest
{
    public sealed class OnSqlite() : ArxivEndToEndTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : ArxivEndToEndTests(StorageProvider.Postgres);

    private readonly TestDatabase _database;
    // After the API fixture's newest papers (2025-03-07, 2025-02-11), so a 30-day window holds exactly those two.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero));

    private ArxivEndToEndTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    private Task<CliResult> RunAsync(string config, params string[] args) =>
        CliRunner.RunAsync(services => services.AddSingleton<TimeProvider>(_clock), [.. args, "--config", _database.Configure(config), "--db", _database.SqlitePath]);

    [Fact]
    public async Task PollAndExport_ThreeArxivKinds_StoreEachPaperOnceAndDraftThemAsPapers()
    {
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        Server.Serve("list/cs.AR/new", Fixtures.Bytes("arxiv-listing-html/handwritten_cs.AR_new_2024-02-23.html"), "text/html");
        Server.Serve("api/query", Fixtures.Bytes("arxiv-api-atom/arxivpy_q_testing_m10.body.xml"));
        var config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources($$"""
            {"sources": [
              {"id": "rss", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "keep": ["new", "cross", "replace"], "allowPrivateNetwork": true},
              {"id": "listing", "kind": "arxiv-listing", "url": "{{Server.Url("list/cs.AR/new")}}", "allowPrivateNetwork": true},
              {"id": "api", "kind": "arxiv-api", "url": "{{Server.Url("api/query?search_query=all:testing&start=0&max_results=10")}}", "days": 30, "allowPrivateNetwork": true}
            ]}
            """));

        // rss: 2 new + 1 cross + 1 replace (replace-cross not kept); listing: 2 new + the cross-list rss already
        // stored (same paper, same version); api: the 2 papers submitted within 30 days.
        var rss = await RunAsync(config, "poll", "--source", "rss");
        var listing = await RunAsync(config, "poll", "--source", "listing");
        var api = await RunAsync(config, "poll", "--source", "api");
        Assert.Contains("rss: 4 new, 0 updated, 0 unchanged", rss.Out);
        Assert.Contains("listing: 2 new, 0 updated, 1 unchanged", listing.Out);
        Assert.Contains("api: 2 new, 0 updated, 0 unchanged", api.Out);

        var again = await RunAsync(config, "poll", "--all");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("polled 3 source(s): 0 new, 0 updated, 0 failed", again.Out);

        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-26.xml"));
        var nextDay = await RunAsync(config, "poll", "--source", "rss");
        Assert.Contains("rss: 1 new, 1 updated, 0 unchanged", nextDay.Out);

        var export = await RunAsync(config, "export", "--from", "2024-02-19", "--to", "2024-02-25");
        Assert.Equal(0, export.ExitCode);
        var draft = export.Out;
        // 2401.09876v2, a replacement kept by rss, is a January paper (its id's month) this database never had: it is
        // filed there, not in this week.
        Assert.Contains("> 导读：本次5条。", draft);
        Assert.Contains("""
            - [2402.14702v2] [TinyQuant: 4-bit Post-Training Quantization for On-Device Vision and Language Transformers](https://arxiv.org/abs/2402.14702v2)  
            链接：https://arxiv.org/abs/2402.14702v2  
            项目：https://github.com/example-lab/tinyquant  
            摘要：Version 2 extends TinyQuant to language transformers.
            """.ReplaceLineEndings("\n"), draft);
        var items = ReferenceItems.Read(draft);
        Assert.Equal(5, items.Count);
        Assert.All(items, item => Assert.Equal("papers", item.Section));
        Assert.Equal(["2402.14511v1", "2402.14655v1", "2402.14702v2", "2402.14790v1", "2402.14833v1"],
            items.Select(i => i.Prefix!).Order(StringComparer.Ordinal));
        Assert.All(items, item => Assert.Equal($"https://arxiv.org/abs/{item.Prefix}", item.Url));
    }

    [Fact]
    public async Task Poll_ApiQueryWhosePapersAreAllOlderThanDays_SaysWhyNothingWasStored()
    {
        // An operator adding the source saw "0 new" without a word why: the papers left out were said only in the Debug log.
        // 2025-06-01 less 30 days is 2025-05-02; the fixture's 10 papers were all submitted before (the newest 2025-03-07).
        _clock.SetUtcNow(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Server.Serve("api/query", Fixtures.Bytes("arxiv-api-atom/arxivpy_q_testing_m10.body.xml"));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [
              {"id": "api", "kind": "arxiv-api", "url": "{{Server.Url("api/query?search_query=all:testing&start=0&max_results=10")}}", "days": 30, "allowPrivateNetwork": true}
            ]}
            """);

        var api = await RunAsync(config, "poll", "--source", "api");

        Assert.Equal(0, api.ExitCode);
        Assert.Contains("api: 0 new, 0 updated, 0 unchanged; left out: 10 paper(s) submitted before 2025-05-02 (outside 'days')\n", api.Out);
    }

    [Fact]
    public async Task Sources_ApiQueryThatLeftPapersOut_SayItInTheNoteOfAnOkSource_TillAPollLeavesNoneOut()
    {
        // poll said the papers left out as older than 'days' (above), but sources and GET /sources, where an operator looks
        // later, showed an ok source with 0 entries and no word why. Nothing is wrong with the source: it stays ok.
        _clock.SetUtcNow(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Server.Serve("api/query", Fixtures.Bytes("arxiv-api-atom/arxivpy_q_testing_m10.body.xml"));
        string Api(int days) => $$"""
            {"sources": [
              {"id": "api", "kind": "arxiv-api", "url": "{{Server.Url("api/query?search_query=all:testing&start=0&max_results=10")}}", "days": {{days}}, "limit": 10, "allowPrivateNetwork": true}
            ]}
            """;
        var config = Folder.ConfigWithSources(Api(30));
        const string LeftOut = "left out: 10 paper(s) submitted before 2025-05-02 (outside 'days')";
        static string Line(CliResult sources) => sources.Out.Split('\n').Single(l => l.StartsWith("api ", StringComparison.Ordinal));

        await RunAsync(config, "poll", "--source", "api");
        var sources = await RunAsync(config, "sources");
        Daemon.Prepare(config);
        JsonElement shown;
        await using (var daemon = Daemon.Start(_database.Configure(config), _database.SqlitePath, _clock))
        {
            using var http = new HttpClient { BaseAddress = daemon.BaseUri };
            shown = JsonDocument.Parse(await http.GetStringAsync("sources")).RootElement.EnumerateArray().Single().Clone();
        }
        // The whole fixture inside 'days' (one page: limit 10): nothing left out.
        File.WriteAllText(Path.Combine(config, "sources.json"), Api(36500));
        await RunAsync(config, "poll", "--source", "api");
        var later = await RunAsync(config, "sources");

        Assert.Matches($@"^api +arxiv-api +ok +0 .* {System.Text.RegularExpressions.Regex.Escape(LeftOut)}$", Line(sources));
        Assert.Equal("ok", shown.GetProperty("state").GetString());
        Assert.Equal(LeftOut, shown.GetProperty("note").GetString());
        Assert.Equal(LeftOut["left out: ".Length..], shown.GetProperty("health").GetProperty("lastLeftOut").GetString());
        Assert.Matches(@"^api +arxiv-api +ok +10 ", Line(later));
        Assert.DoesNotContain("left out", Line(later));
    }

    [Fact]
    public async Task PollAndExport_StoredPaperWithdrawn_UpdatesItsEntryAndLeavesTheDraftSayingWhy()
    {
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        var config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources($$"""
            {"sources": [{"id": "rss", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "allowPrivateNetwork": true}]}
            """));
        await RunAsync(config, "poll", "--source", "rss");
        Assert.Contains("[2402.14655v1]", (await RunAsync(config, "export", "--from", "2024-02-19", "--to", "2024-02-25")).Out);

        // The withdrawal comes as a replacement (default keep: new and cross); the ordinary v2 beside it stays unkept.
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-27_withdrawal.xml"));
        var withdrawal = await RunAsync(config, "poll", "--source", "rss");

        Assert.Contains("rss: 0 new, 1 updated, 0 unchanged", withdrawal.Out);
        var draft = (await RunAsync(config, "export", "--from", "2024-02-19", "--to", "2024-02-25")).Out;
        Assert.DoesNotContain("2402.14655", draft);
        Assert.DoesNotContain("withdrawn", draft);
        Assert.Contains("[2402.14702v1]", draft);
        var explain = await RunAsync(config, "entries", "--from", "2024-02-19", "--to", "2024-02-25", "--explain");
        var block = explain.Out[explain.Out.IndexOf("Structured Pruning", StringComparison.Ordinal)..];
        Assert.Contains("https://arxiv.org/abs/2402.14655v2", block);
        Assert.StartsWith("draft: out: withdrawn by its authors (2402.14655v2 is a withdrawal notice); shortlist it to keep it",
            block[block.IndexOf("draft:", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task PollAndExport_PaperStoredAsV2WithdrawnOnTheNewPage_LeavesTheDraft()
    {
        // 2402.14702: v1 on 2024-02-23, v2 on 2024-02-26 (kept replacement); /new then lists its withdrawal without a version.
        var config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources($$"""
            {"sources": [
              {"id": "rss", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "keep": ["new", "replace"], "allowPrivateNetwork": true},
              {"id": "listing", "kind": "arxiv-listing", "url": "{{Server.Url("list/cs.AR/new")}}", "allowPrivateNetwork": true}
            ]}
            """));
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        await RunAsync(config, "poll", "--source", "rss");
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-26.xml"));
        await RunAsync(config, "poll", "--source", "rss");
        Assert.Contains("[2402.14702v2]", (await RunAsync(config, "export", "--from", "2024-02-19", "--to", "2024-02-25")).Out);
        Server.Serve("list/cs.AR/new", System.Text.Encoding.UTF8.GetBytes(Fixtures.Text("arxiv-listing-html/handwritten_cs.AR_new_2024-02-23.html")
            .Replace("2312.05555", "2402.14702", StringComparison.Ordinal).Replace(
                "We measure INT8/FP16 mixed-precision kernels on Mali and Adreno GPUs and release a benchmark suite.",
                "This paper has been withdrawn by the authors due to an error in the evaluation.", StringComparison.Ordinal)), "text/html");

        var listing = await RunAsync(config, "poll", "--source", "listing");

        Assert.Contains(", 1 updated,", listing.Out);
        Assert.DoesNotContain("2402.14702", (await RunAsync(config, "export", "--from", "2024-02-19", "--to", "2024-02-25")).Out);
        var explain = await RunAsync(config, "entries", "--from", "2024-02-19", "--to", "2024-02-25", "--explain");
        Assert.Contains("draft: out: withdrawn by its authors (2402.14702 is a withdrawal notice); shortlist it to keep it", explain.Out);
    }

    [Fact]
    public void DefaultConfig_CarriesRealArxivSourcesForTheEditorsCategories()
    {
        using var services = new TestServices();
        var json = File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "sources.json"));

        var arxiv = services.Sources(json).Where(s => s.Kind.StartsWith("arxiv-", StringComparison.Ordinal) && s.Enabled).ToList();

        Assert.Equal(["cs.AR", "cs.CL", "cs.CV", "cs.LG", "cs.NE", "eess.SP"],
            arxiv.Where(s => s.Kind == "arxiv-rss").Select(s => s.GetString("category")!).Order());
        var api = Assert.Single(arxiv, s => s.Kind == "arxiv-api");
        Assert.Contains("all:quantization", api.GetString("query"));
        Assert.All(arxiv, s => Assert.Null(s.Url));
        var kinds = services.Get<SourceCatalog>().Kinds;
        Assert.All(arxiv.SelectMany(s => kinds[s.Kind].Requests(s)), r => Assert.EndsWith("arxiv.org", r.Uri.Host));
    }
}
