using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The editor's commands through the real CLI: entries, mark, publish, import-issue, export --since-last.</summary>
public abstract class EditorCommandsTests : LoopbackTest
{
    public sealed class OnSqlite() : EditorCommandsTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : EditorCommandsTests(StorageProvider.Postgres);

    private readonly TestDatabase _database;
    private string _config = "";
    private string _db = "";
    private IReadOnlyList<IssueItem> _items = [];

    private EditorCommandsTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _items = CorpusFeeds.Items("2020-05-15.md");
        _config = _database.Configure(Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, _items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)))));
        _db = Folder.File("report.db");
        Assert.Equal(0, (await Cli("poll")).ExitCode);
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", _config, "--db", _db]);

    private async Task<IReadOnlyList<IssueItem>> ExportAsync(params string[] window)
    {
        var result = await Cli(["export", .. window]);
        Assert.Equal(0, result.ExitCode);
        return ReferenceItems.Read(result.Out);
    }

    [Fact]
    public async Task Entries_WeekFilter_ListsTheWeeksEntriesWithScores()
    {
        var inWeek = await Cli("entries", "--week", "2020-W20");
        var otherWeek = await Cli("entries", "--week", "2020-W30");

        Assert.Equal(0, inWeek.ExitCode);
        Assert.Equal(_items.Count + 1, inWeek.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // a header line + one per entry
        Assert.Contains($"{_items.Count} entries", inWeek.Error);
        Assert.Contains("0 entries", otherWeek.Error);
    }

    [Fact]
    public async Task Mark_RejectedEntry_LeavesTheDraft()
    {
        var listing = await Cli("entries", "--week", "2020-W20", "--explain");
        var firstId = listing.Out.Split('\n')[1].Trim().Split(' ')[0];

        var mark = await Cli("mark", firstId, "--status", "rejected");
        var rejected = await Cli("entries", "--all", "--status", "rejected");
        var draft = await ExportAsync("--week", "2020-W20");

        Assert.Equal(0, mark.ExitCode);
        Assert.Contains("1 entry (any date)", rejected.Error);
        Assert.Equal(_items.Count - 1, draft.Count);
        Assert.Equal(2, (await Cli("mark", "999999", "--status", "shortlisted")).ExitCode);
    }

    [Fact]
    public async Task Mark_AnUnknownIdAmongKnownOnes_MarksNothing()
    {
        var listing = await Cli("entries", "--week", "2020-W20");
        var firstId = listing.Out.Split('\n')[1].Trim().Split(' ')[0];

        var mark = await Cli("mark", firstId, "999999", "--status", "rejected");
        var rejected = await Cli("entries", "--all", "--status", "rejected");

        Assert.Equal(2, mark.ExitCode);
        Assert.Equal("no entry with id 999999; nothing was marked", mark.Error.Trim());
        Assert.Contains("0 entries", rejected.Error);
    }

    [Fact]
    public async Task Mark_APublishedEntry_KeepsItPublished()
    {
        var listing = await Cli("entries", "--week", "2020-W20");
        var firstId = listing.Out.Split('\n')[1].Trim().Split(' ')[0];
        Assert.Equal(0, (await Cli("publish", "--week", "2020-W20")).ExitCode);

        var mark = await Cli("mark", firstId, "--status", "candidate");
        var published = await Cli("entries", "--all", "--status", "published");

        Assert.Equal(0, mark.ExitCode);
        Assert.Equal($"{firstId}: published in an issue; its status stays", mark.Out.Trim());
        Assert.Contains($"{_items.Count} entries", published.Error);
    }

    [Fact]
    public async Task Publish_ThenExportAgain_TheDraftIsEmptyAndSaysWhichIssueHasItsItems()
    {
        var publish = await Cli("publish", "--week", "2020-W20");
        var after = await Cli("export", "--week", "2020-W20");
        var date = publish.Out[..publish.Out.IndexOf(" (", StringComparison.Ordinal)].Split(' ')[^1];   // published issue DATE (…)

        Assert.Equal(0, publish.ExitCode);
        Assert.Contains($"{_items.Count} items", publish.Out);
        Assert.Equal(0, after.ExitCode);
        Assert.Empty(ReferenceItems.Read(after.Out));
        Assert.Contains($"note: the issue of {date} published 2020-05-11 .. 2020-05-17: its items are left out of drafts", after.Error);
        Assert.Contains($"'issue {date}' prints that issue as it went out", after.Error);
    }

    [Fact]
    public async Task ImportIssue_TheRealIssue_ItsItemsNeverAppearInADraft()
    {
        var import = await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"), Fixtures.PathOf("corpus/2020-04-26.md"));
        var draft = await ExportAsync("--week", "2020-W20");

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("issue 2020-05-15", import.Out);
        Assert.Empty(draft);
        Assert.Equal(0, (await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"))).ExitCode);   // again: harmless
        Assert.Equal(File.ReadAllText(Fixtures.PathOf("corpus/2020-05-15.md")), (await Cli("issue", "2020-05-15")).Out);   // kept as read, once
    }

    // The issue's own heading (## 博文) names the section whose heading Draft:Sections renamed: its items are recorded too, so
    // none of them comes back in a draft (they were read as no section's and left out of the issue).
    [Fact]
    public async Task ImportIssue_AfterASectionHeadingWasRenamed_RecordsTheItemsUnderTheOldHeadingToo()
    {
        TempDirectory.EditSettings(_config, json =>
            json["Draft"]!["Sections"]!.AsArray().Single(s => (string?)s!["Slug"] == "blogs")!["Name"] = "技术博文");

        var import = await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"));
        var draft = await ExportAsync("--week", "2020-W20");

        Assert.Equal(0, import.ExitCode);
        Assert.Empty(draft);
    }

    [Fact]
    public async Task ExportSinceLast_AfterAnImportedIssue_StartsTheNextDay()
    {
        var none = await Cli("export", "--since-last");
        await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"));
        var since = await Cli("export", "--since-last", "--format", "json");

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--since-last", none.Error);
        Assert.Equal(0, since.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(since.Out);
        Assert.Equal("2020-05-16", json.RootElement.GetProperty("from").GetString());
    }

    [Fact]
    public async Task ExportThenImportIssue_UrlWithParentheses_TheEntryIsPublished()
    {
        var wiki = new IssueItem("blogs", "Quantization (signal processing) | 维基百科", "https://en.wikipedia.org/wiki/Quantization_(signal_processing)", null,
            "量化是把连续取值映射到有限个离散值的过程。", []);
        CorpusFeeds.ServeBySection(Server, [.. _items, wiki], new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(0, (await Cli("poll")).ExitCode);
        var id = (await Cli("entries", "--week", "2020-W20")).Out.Split('\n').Single(l => l.Contains("Quantization (signal processing)", StringComparison.Ordinal)).Trim().Split(' ')[0];
        Assert.Equal(0, (await Cli("mark", id, "--status", "shortlisted")).ExitCode);
        var file = Folder.File("draft.md");
        Assert.Equal(0, (await Cli("export", "--week", "2020-W20", "--out", file)).ExitCode);
        Assert.Contains("(https://en.wikipedia.org/wiki/Quantization_%28signal_processing%29)", File.ReadAllText(file));

        var import = await Cli("import-issue", file);
        var after = await ExportAsync("--week", "2020-W20");
        var published = await Cli("entries", "--week", "2020-W20", "--status", "published");

        Assert.Equal(0, import.ExitCode);
        Assert.Empty(after);
        Assert.Contains("Quantization (signal processing)", published.Out);
    }

    [Fact]
    public async Task ImportIssue_FileWithoutItems_Exits2()
    {
        var file = Folder.File("notes.md");
        File.WriteAllText(file, "# 嵌入式AI简报 (2020-06-01)\n\nnothing here\n");

        var result = await Cli("import-issue", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no items", result.Error);
    }

    [Fact]
    public async Task ImportIssue_OneItem_CountsInTheSingular()
    {
        // One item of the real issue of 2020-05-15, the class stores it: "1 items, 1 new keys, 1 stored entries" was printed.
        var file = Folder.File("2020-06-01.md");
        File.WriteAllText(file, "# 嵌入式AI简报 (2020-06-01)\n\n## 业界新闻\n\n"
            + "- [CUDA 11 Features Revealed | NVIDIA Developer](https://devblogs.nvidia.com/cuda-11-features-revealed/)  \n");

        var result = await Cli("import-issue", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{file}: issue 2020-06-01: 1 item, 1 new key, 1 stored entry marked published", result.Out.Trim());
    }

    [Fact]
    public async Task ImportIssue_FileNameAndHeadingDatesDisagree_RecordsNothingAndNamesBoth()
    {
        // The real issue of 2020-05-15 saved under another day's name: recorded under either date it would be wrong, and a
        // second import under the right name would record it twice.
        var file = Folder.File("2020-05-20.md");
        File.Copy(Fixtures.PathOf("corpus/2020-05-15.md"), file);

        var result = await Cli("import-issue", file);
        var since = await Cli("export", "--since-last");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"{file}: the file name says 2020-05-20 but the issue's heading says 2020-05-15; rename the file or correct the heading "
            + "(the issue is recorded under its date)", result.Error.Trim());
        Assert.Equal(2, since.ExitCode);   // no issue recorded
    }
}
