using System.Globalization;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Issue 18 item 4 through the real CLI: `entries` lists the current week by default, refuses an unknown tag with close names, and prints one rounded score.</summary>
public sealed partial class EntriesCommandTests : LoopbackTest
{
    private const string OldTitle = "TVM 0.6 量化部署教程";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2020, 5, 13, 12, 0, 0, TimeSpan.FromHours(8)));   // 2020-W20
    private IReadOnlyList<IssueItem> _items = [];
    private string _config = "";
    private string _db = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _items = CorpusFeeds.Items("2020-05-15.md");
        var sources = CorpusFeeds.ServeBySection(Server, _items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)));
        Server.MapFile("old.xml", System.Text.Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Item(OldTitle, "https://example.org/old/tvm",
            "用TVM把int8量化模型部署到手机。", pubDate: "Tue, 21 Apr 2020 02:00:00 GMT"))));
        sources = sources[..^2] + $$""", {"id": "old", "kind": "feed", "url": "{{Server.Url("old.xml")}}", "allowPrivateNetwork": true}]}""";
        _config = Folder.ConfigWithSources(sources);
        _db = Folder.File("report.db");
        var poll = await Cli("poll");
        Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);
    }

    private Task<CliResult> Cli(params string[] args) =>
        CliRunner.RunAsync(services => services.AddSingleton<TimeProvider>(_clock), [.. args, "--config", _config, "--db", _db]);

    [Fact]
    public async Task Entries_NoWindow_ListsTheCurrentWeekLikeExport()
    {
        var current = await Cli("entries");
        var all = await Cli("entries", "--all");
        var both = await Cli("entries", "--all", "--week", "2020-W17");

        Assert.Equal(0, current.ExitCode);
        Assert.Contains($"{_items.Count} entries (2020-05-11 .. 2020-05-17)", current.Error);
        Assert.DoesNotContain(OldTitle, current.Out);
        Assert.Contains($"{_items.Count + 1} entries (any date)", all.Error);
        Assert.Contains(OldTitle, all.Out);
        Assert.Equal(2, both.ExitCode);
    }

    [Fact]
    public async Task Entries_LimitBelowTheCount_SaysHowManyItLeftOut_ZeroListsAll_NegativeIsAUsageError()
    {
        var cut = await Cli("entries", "--limit", "3");
        var every = await Cli("entries", "--limit", "0");
        var exact = await Cli("entries", "--limit", $"{_items.Count}");
        var negative = await Cli("entries", "--limit", "-1");
        static int Rows(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;   // less the header

        Assert.Equal((0, 3), (cut.ExitCode, Rows(cut.Out)));
        Assert.Contains($"3 of {_items.Count} entries (2020-05-11 .. 2020-05-17); --limit 0 lists them all", cut.Error);
        Assert.Equal((0, _items.Count), (every.ExitCode, Rows(every.Out)));
        Assert.Contains($"\n{_items.Count} entries (2020-05-11 .. 2020-05-17)", "\n" + every.Error);
        Assert.Contains($"\n{_items.Count} entries (2020-05-11 .. 2020-05-17)", "\n" + exact.Error);
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--limit: -1 is not a number of rows (0 lists them all)", negative.Error);
    }

    [Fact]
    public async Task EntriesExplain_AllDates_SaysForEachWeekWhetherTheEntryIsInItsDraft()
    {
        var all = await Cli("entries", "--all", "--explain");

        Assert.True(all.ExitCode == 0, all.Error);
        var lines = all.Out.Split('\n');
        var old = Array.FindIndex(lines, l => l.Contains(OldTitle, StringComparison.Ordinal));
        Assert.Equal("draft: in draft (博文 #1)", lines[old + 3].Trim());   // the only entry of 2020-W17
        Assert.Equal(_items.Count + 1, lines.Count(l => l.TrimStart().StartsWith("draft: ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("quantisation", "--tag: no tag 'quantisation' in tags.json; did you mean quantization?")]
    [InlineData("pruneing", "--tag: no tag 'pruneing' in tags.json; did you mean pruning?")]
    [InlineData("compression", "--tag: no tag 'compression' in tags.json; did you mean model-compression?")]
    [InlineData("zzz", "--tag: no tag 'zzz' in tags.json (known: ai-chips, autonomous-robotics,")]
    public async Task Entries_UnknownTag_Exits2NamingCloseTags(string tag, string expected)
    {
        var result = await Cli("entries", "--all", "--tag", tag);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error.Trim());
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Entries_KnownTagInAnyCase_Lists()
    {
        var lower = await Cli("entries", "--all", "--tag", "quantization");
        var upper = await Cli("entries", "--all", "--tag", "Quantization");

        Assert.Equal(0, lower.ExitCode);
        Assert.Contains(OldTitle, lower.Out);
        Assert.Equal(lower.Out, upper.Out);
    }

    [Fact]
    public async Task EntriesExplain_ScoreColumnAndExplanation_PrintTheSameRoundedRelevance()
    {
        var result = await Cli("entries", "--explain");
        Assert.True(result.ExitCode == 0, result.Error);
        var listing = result.Out.Split('\n');

        var rows = listing.Select((line, i) => (Row: EntryRow().Match(line), Index: i)).Where(r => r.Row.Success).ToList();
        Assert.Equal(_items.Count, rows.Count);
        foreach (var (row, index) in rows)
        {
            var explained = Explained().Match(listing[index + 2]);
            Assert.True(explained.Success, listing[index + 2]);
            Assert.Equal(row.Groups["score"].Value, explained.Groups["score"].Value);
            Assert.InRange(double.Parse(row.Groups["score"].Value, CultureInfo.InvariantCulture), 0, 1);
        }
    }

    // A source's weight is part of the score (README: added to the log-odds), stored when the entry was polled: after ops
    // lower it, the explanation scores with the new weight and says the stored score is stale. It named only "an earlier
    // model", though the model was the same, which sent ops looking for a model change.
    [Fact]
    public async Task EntriesExplain_AfterTheSourcesWeightChanged_SaysTheStoredScoreIsStaleAndTrainRescoresIt()
    {
        var sources = Path.Combine(_config, "sources.json");
        File.WriteAllText(sources, File.ReadAllText(sources).Replace("""{"id": "old", "kind": "feed",""", """{"id": "old", "weight": -3, "kind": "feed","""));

        var before = await Cli("entries", "--all", "--explain");
        var train = await Cli("train");
        var after = await Cli("entries", "--all", "--explain");

        Assert.Equal(0, before.ExitCode);
        Assert.Matches(@"\[stored \d\.\d{3}: scored before the relevance model, tags\.json or the source's weight changed; run rescore\]",
            Explanation(before.Out, OldTitle));
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.DoesNotContain("[stored", Explanation(after.Out, OldTitle));
    }

    // The relevance line printed under the entry titled <paramref name="title"/>.
    private static string Explanation(string listing, string title)
    {
        var lines = listing.Split('\n');
        return lines[Array.FindIndex(lines, l => l.Contains(title, StringComparison.Ordinal)) + 2];
    }

    // "    42  candidate   0.912  news       2020-05-12  title": the score is a 0–1 relevance with three decimals.
    [GeneratedRegex(@"^\s*\d+\s+\w+\s+(?<score>\d\.\d{3})\s")]
    private static partial Regex EntryRow();

    [GeneratedRegex(@"^\s+relevance (?<score>\d\.\d{3}) \(threshold")]
    private static partial Regex Explained();
}
