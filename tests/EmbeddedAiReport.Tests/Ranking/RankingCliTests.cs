using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Ranking;

/// <summary>train, validate and the fallback through the real CLI, on a database with the editor's labels.</summary>
public sealed class RankingCliTests : LoopbackTest
{
    private string _config = "";
    private string _db = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var items = CorpusFeeds.Items("2020-05-15.md");
        _config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8))));
        _db = Folder.File("report.db");
        Assert.Equal(0, (await Cli("poll")).ExitCode);
    }

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", _config, "--db", _db]);

    [Fact]
    public async Task Train_AfterImportAndMarks_LearnsTheDatabasesLabelsAndRescores()
    {
        Assert.Equal(0, (await Cli("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"))).ExitCode);
        var before = File.ReadAllText(Path.Combine(_config, "ranker.json"));

        var train = await Cli("train");

        Assert.Equal(0, train.ExitCode);
        // The issue's items are stored entries now, so they come from the database (replacing the corpus copy of that issue).
        Assert.Matches(@"trained on 25 issues, \d+ editor's items, \d+ unpicked \(\d+ labels from the database\)", train.Out);
        Assert.Matches(@"rescored the database: [1-9]\d* entr(y|ies) changed score", train.Out);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(_config, "ranker.json")));
    }

    [Fact]
    public async Task Train_AfterATagIsRenamedInTagsJson_RetagsTheStoredEntries()
    {
        var before = await Cli("entries", "--all", "--tag", "quantization");
        var tags = Path.Combine(_config, "tags.json");
        File.WriteAllText(tags, File.ReadAllText(tags).Replace("\"tag\": \"quantization\"", "\"tag\": \"low-bit\""));

        var train = await Cli("train");
        var after = await Cli("entries", "--all", "--tag", "low-bit");

        Assert.Equal(0, train.ExitCode);
        Assert.Matches(@"rescored the database: \d+ entr(y|ies) changed score, [1-9]\d* changed tags \(tags.json\)", train.Out);
        Assert.Equal(0, after.ExitCode);
        Assert.Matches(@"^[1-9]\d* entries \(any date\)", before.Error.Trim());
        // The entries stored under the old name carry the new one (their scores may move with the retrained model).
        Assert.Equal(Ids(before.Out), Ids(after.Out));
        Assert.Equal(before.Error, after.Error);
    }

    private static IReadOnlyList<string> Ids(string listing) =>
        [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim().Split(' ')[0]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Train_NoEditorsItemsAnywhere_ExitsTwoWithAClearMessage()
    {
        var empty = Directory.CreateDirectory(Folder.File("empty-corpus")).FullName;

        var train = await Cli("train", "--corpus", empty, "--no-database");

        Assert.Equal(2, train.ExitCode);
        Assert.Contains("train: no relevant examples (published, imported or shortlisted items) to learn from", train.Error);
    }

    [Fact]
    public async Task CorruptModel_ValidateNamesItAndOtherCommandsFallBackToKeywords()
    {
        File.WriteAllText(Path.Combine(_config, "ranker.json"), "{\"format\": \"eair-relevance/1\", \"weights\": ");

        var validate = await Cli("validate");
        var export = await Cli("export", "--from", "2020-05-08", "--to", "2020-05-14");

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("warning: ranker.json: not a relevance model:", validate.Error);
        Assert.Contains("relevance falls back to the keyword score", validate.Error);
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("warning: ranker.json:", export.Error);
        Assert.Contains("# 嵌入式AI简报 (2020-05-14)", export.Out);
    }

    [Fact]
    public async Task EntriesExplain_ShowsTheStrongestFeaturesForAndAgainst()
    {
        var entries = await Cli("entries", "--from", "2020-05-08", "--to", "2020-05-14", "--explain", "--limit", "3");

        Assert.Equal(0, entries.ExitCode);
        Assert.Matches(@"relevance [01]\.\d{3} \(threshold 0\.\d{3}\) for: .+ [+]\d\.\d\d.*; against: ", entries.Out);
        Assert.Contains("draft: ", entries.Out);
    }

    [Fact]
    public async Task Daemon_MissingModel_LogsAWarningAndServesDraftsOnTheKeywordScore()
    {
        File.Delete(Path.Combine(_config, "ranker.json"));
        Daemon.Prepare(_config);
        await using var daemon = Daemon.Start(_config, _db);

        var warning = await daemon.WaitForAsync(4114, "ranker.json");
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        var draft = await http.GetAsync("drafts/2020-W20.md");

        Assert.Contains("relevance falls back to the keyword score", warning);
        Assert.Equal(System.Net.HttpStatusCode.OK, draft.StatusCode);
        Assert.Contains("# 嵌入式AI简报", await draft.Content.ReadAsStringAsync());
    }
}
