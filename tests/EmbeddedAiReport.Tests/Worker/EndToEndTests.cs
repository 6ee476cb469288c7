using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The whole pipeline through the real command line: loopback feeds → poll --all → export → the draft parses back into the same items.</summary>
public abstract class EndToEndTests : LoopbackTest
{
    public sealed class OnSqlite() : EndToEndTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : EndToEndTests(StorageProvider.Postgres);

    private readonly TestDatabase _database;

    private EndToEndTests(StorageProvider provider) => _database = TestDatabase.Create(provider, Folder);

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    [Theory]
    [InlineData("2020-05-15.md")]
    [InlineData("2020-04-26.md")]
    [InlineData("2019-12-17.md")]
    public async Task PollThenExport_RealIssueServedAsFeeds_DraftHasTheSameItemsInTheSameSections(string issue)
    {
        var items = CorpusFeeds.Items(issue);
        var published = new DateTimeOffset(2020, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));   // inside 2020-W48
        var config = _database.Configure(Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, published)));
        var db = Folder.File("report.db");
        var draftPath = Folder.File("draft.md");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var again = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("--config", config, "export", "--week", "2020-W48", "--out", draftPath, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        Assert.Contains($"{items.Count} new", poll.Out);
        Assert.Contains("0 new, 0 updated", again.Out);
        Assert.Equal(0, export.ExitCode);
        var draft = await File.ReadAllTextAsync(draftPath);
        var parsed = ReferenceItems.Read(draft);
        // An item without "| account" gets the feed's title as its account, as a mirror's channel title names the account.
        Assert.Equal(
            items.Select(i => (i.Section, i.Url, Title: IssueMarkdownParser.SplitAccount(i.Title).Account is null ? $"{i.Title.Trim()} | {i.Section}" : i.Title.Trim())).Order(),
            parsed.Select(i => (i.Section, i.Url, Title: Unescape(i.Title))).Order());
        Assert.Contains($"> 导读：本次{items.Count}条。", draft);
        Assert.StartsWith("---\nlayout: default\n---\n\n# 嵌入式AI简报 (2020-11-29)\n", draft);
    }

    [Fact]
    public async Task Export_JsonFormat_CarriesTheSameItems()
    {
        var items = CorpusFeeds.Items("2020-05-15.md");
        var config = _database.Configure(Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)))));
        var db = Folder.File("report.db");

        await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("export", "--from", "2020-05-11", "--to", "2020-05-17", "--format", "json", "--config", config, "--db", db);

        Assert.Equal(0, export.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(export.Out);
        Assert.Equal(items.Count, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("2020-05-17", json.RootElement.GetProperty("date").GetString());
    }

    private static string Unescape(string title) => System.Text.RegularExpressions.Regex.Replace(title, @"\\([\[\]()|\\])", "$1").Replace("&lt;", "<");
}
