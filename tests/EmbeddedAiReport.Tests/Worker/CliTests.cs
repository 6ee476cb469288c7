using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Validate_DefaultConfig_IsOk()
    {
        var result = await CliRunner.RunAsync("validate", "--config", Fixtures.ConfigDirectory);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("config OK", result.Out);
    }

    [Fact]
    public async Task Validate_SeveralProblems_PrintsEveryOneAndExits2()
    {
        var config = _directory.ConfigWithSources("""
            {"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "schedule": "whenever"},
                         {"id": "b", "kind": "rss", "url": "https://y.org/"}]}
            """);
        File.WriteAllText(Path.Combine(config, "appsettings.json"), """{"Fetching": {"Timeout": "-00:00:05"}, "Draft": {"TimeZone": "Mars/Olympus"}}""");

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sources.json: source 'a': schedule:", result.Error);
        Assert.Contains("sources.json: source 'b': kind: unknown kind 'rss'", result.Error);
        Assert.Contains("appsettings.json: Fetching:Timeout: must be positive", result.Error);
        Assert.Contains("appsettings.json: Draft:TimeZone: unknown time zone 'Mars/Olympus'", result.Error);
    }

    [Theory]
    [InlineData("""{"Fetching": {"MaxBytes": "lots"}}""", "appsettings.json: Fetching:MaxBytes: 'lots' is not a whole number")]
    [InlineData("""{"Draft": {"Quotas": {"news": "ten"}}}""", "appsettings.json: Draft:Quotas:news: 'ten' is not a whole number")]
    [InlineData("""{"Fetching": {"MaxParallelSources": 99999999999}}""", "appsettings.json: Fetching:MaxParallelSources: '99999999999' is not a whole number up to 2147483647")]
    [InlineData("""{"Draft": {"KeepEmptySections": "yes"}}""", "appsettings.json: Draft:KeepEmptySections: 'yes' is not true or false")]
    [InlineData("""{"Report": {"UnhealthyShare": "half"}}""", "appsettings.json: Report:UnhealthyShare: 'half' is not a number (with a '.' for decimals)")]
    [InlineData("""{"Storage": {"Provider": "mysql"}}""", "appsettings.json: Storage:Provider: 'mysql' is not one of sqlite, postgres")]
    // One edit from postgres (CloseNames: within two edits): the name meant, as a misspelt key or source kind gets it.
    [InlineData("""{"Storage": {"Provider": "postgre"}}""", "appsettings.json: Storage:Provider: 'postgre' is not one of sqlite, postgres; did you mean postgres?")]
    // A misspelt keyword with an empty value (Npgsql drops such a pair, and throws a bare KeyNotFoundException for an
    // unknown one) stopped validate, run and migrate with a stack trace. Named lower-case, as Npgsql names 'Pasword=x'.
    [InlineData("""{"Storage": {"Provider": "postgres", "ConnectionString": "Host=db;Database=report;Pasword="}}""",
        "appsettings.json: Storage:ConnectionString: not a PostgreSQL connection string (unknown keyword 'pasword'; did you mean Password?)")]
    // The unknown one is named, not a known keyword also given no value before it (an empty Password for trust auth).
    [InlineData("""{"Storage": {"Provider": "postgres", "ConnectionString": "Host=db;Database=report;Password=;Pasword="}}""",
        "appsettings.json: Storage:ConnectionString: not a PostgreSQL connection string (unknown keyword 'pasword'; did you mean Password?)")]
    // A misspelt keyword with a value: Npgsql's "Couldn't set hots (Parameter 'hots')" named no problem; the keyword meant
    // (one edit from Host, two from Database). A known keyword with a bad value keeps Npgsql's words.
    [InlineData("""{"Storage": {"Provider": "postgres", "ConnectionString": "Hots=db;Database=report"}}""",
        "appsettings.json: Storage:ConnectionString: not a PostgreSQL connection string (unknown keyword 'hots'; did you mean Host?)")]
    [InlineData("""{"Storage": {"Provider": "postgres", "ConnectionString": "Host=db;Databse=report"}}""",
        "appsettings.json: Storage:ConnectionString: not a PostgreSQL connection string (unknown keyword 'databse'; did you mean Database?)")]
    [InlineData("""{"Storage": {"Provider": "postgres", "ConnectionString": "Host=db;Port=abc"}}""",
        "appsettings.json: Storage:ConnectionString: not a PostgreSQL connection string (Couldn't set port (Parameter 'port'))")]
    [InlineData("""{"Draft": {"Quotas": {"paper": 5}}}""", "appsettings.json: Draft:Quotas:paper: no such section (sections: news, papers, opensource, blogs)")]
    // The appsettings.json that builds before the relevance model shipped (70d0d7f): its keyword threshold, and what it is
    // on the 0–1 scale (σ(1.25 − 1.25) = 0.5; σ(2 − 1.25) = 1/(1 + e^−0.75) = 0.679). Not above 1: no keyword score meant.
    [InlineData("""{"Draft": {"MinScore": 1.25}}""", "appsettings.json: Draft:MinScore: expected a relevance from 0 to 1, or no value for the model's thresholds (got 1.25: a keyword score, as builds before the relevance model of 2026-12-01 read it; the same threshold is 0.500 now)")]
    [InlineData("""{"Draft": {"MinScore": 2}}""", "appsettings.json: Draft:MinScore: expected a relevance from 0 to 1, or no value for the model's thresholds (got 2: a keyword score, as builds before the relevance model of 2026-12-01 read it; the same threshold is 0.679 now)")]
    [InlineData("""{"Draft": {"MinScore": -0.5}}""", "appsettings.json: Draft:MinScore: expected a relevance from 0 to 1, or no value for the model's thresholds (got -0.5)")]
    // Unknown keys: the path, and the setting meant when one is close; a nested key by its path.
    [InlineData("""{"Fetching": {"MaxParalelSources": 2}}""", "appsettings.json: Fetching:MaxParalelSources: unknown setting; did you mean MaxParallelSources?")]
    [InlineData("""{"Dedup": {"threshhold": 0.5}}""", "appsettings.json: Dedup:threshhold: unknown setting; did you mean Threshold?")]
    [InlineData("""{"Draft": {"Sections": [{"Slug": "news", "Name": "新闻", "Nmae": "x"}]}}""", "appsettings.json: Draft:Sections:0:Nmae: unknown setting")]
    public async Task Validate_ValueOfTheWrongTypeOrAnUnknownKey_NamesTheKeyAndWhatWasExpected(string settings, string line)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "appsettings.json"), settings);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([line, "1 config problem(s); nothing was done."], result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // A cron whose year field has passed parses, but the daemon leaves it unscheduled at start (events 4115/4116): a source
    // that is never polled is a warning naming it, a weekly draft that is never written a problem.
    [Fact]
    public async Task Validate_SourceScheduleWhoseYearHasPassed_WarnsNamingTheSourceAndExits2()
    {
        var config = _directory.ConfigWithSources("""
            {"sources": [{"id": "once", "kind": "feed", "url": "https://x.org/feed", "schedule": "0 0 12 1 1 ? 2020"},
                         {"id": "later", "kind": "feed", "url": "https://y.org/feed", "schedule": "0 0 12 1 1 ? 2099"},
                         {"id": "off", "kind": "feed", "url": "https://z.org/feed", "schedule": "0 0 12 1 1 ? 2020", "enabled": false}]}
            """);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        AssertOneWarning(result, "sources.json: source 'once': schedule: '0 0 12 1 1 ? 2020' has no time left to fire (its year has passed): "
            + "the daemon leaves the source unscheduled (event 4115); give it a schedule that fires (poll --source once still polls it)");
    }

    [Fact]
    public async Task Validate_MirrorFormatWithAnotherFlavour_WarnsItHasNoEffectAndExits2()
    {
        var config = _directory.ConfigWithSources("""
            {"sources": [{"id": "hub", "kind": "wechat-mirror", "mirror": "https://hub.example.org", "flavor": "rsshub", "format": "atom", "accounts": ["jiqizhixin"]}]}
            """);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        AssertOneWarning(result, "sources.json: source 'hub': format: 'atom' has no effect with flavor 'rsshub' (only wewe-rss serves a feed as rss, atom or json); remove it");
    }

    // README "WeChat mirrors", Ops: the shipped wechat-accounts lists each account's feed id as "SET-ME-…", to replace with
    // its id on your mirror. Enabled with some left as shipped, validate said "config OK" and each failed every poll (404).
    [Fact]
    public async Task Validate_EnabledMirrorWithShippedPlaceholderFeeds_WarnsNamingThemAndExits2()
    {
        var config = _directory.ConfigWithSources("""
            {"sources": [{"id": "wx", "kind": "wechat-mirror", "mirror": "https://m.example.org", "accounts": [
                {"feed": "MP_WXS_3073282833", "name": "机器之心"}, {"feed": "SET-ME-qbitai", "name": "量子位"}, "SET-ME-aiera"]},
              {"id": "off", "kind": "wechat-mirror", "mirror": "https://m.example.org", "enabled": false, "accounts": ["SET-ME-antutu"]}]}
            """);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        AssertOneWarning(result, "sources.json: source 'wx': accounts: 2 feed ids are still the shipped placeholders (SET-ME-qbitai, SET-ME-aiera): "
            + "replace each with the account's feed id on your mirror, or remove the account; the mirror has no such feed");
    }

    // validate with one warning and no problem: exit 2, the warning, then the count line, and no "config OK".
    private static void AssertOneWarning(CliResult result, string warning)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["warning: " + warning, "1 config problem(s) the daemon works around (see the warnings above)."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("config OK", result.Out);
    }

    // README's --folds: "2 or more, default one per issue"; the help printed the internal stand-in, [default: 2147483647].
    [Fact]
    public async Task EvaluateHelp_Folds_SaysOnePerIssueWithoutAnInternalNumber()
    {
        var result = await CliRunner.RunAsync("evaluate", "--help");

        Assert.Equal(0, result.ExitCode);
        var folds = Assert.Single(result.Out.Split('\n'), line => line.TrimStart().StartsWith("--folds", StringComparison.Ordinal));
        Assert.Contains("(default: one per issue)", folds);
        Assert.DoesNotContain("[default:", folds);
    }

    [Theory]
    [InlineData("ExportSchedule", "appsettings.json: Report:ExportSchedule: '0 0 9 1 1 ? 2020' has no time left to fire (its year has passed): "
        + "the daemon would never write the weekly draft (event 4116)", "1 config problem(s); nothing was done.")]
    [InlineData("HousekeepingSchedule", "warning: appsettings.json: Report:HousekeepingSchedule: '0 0 9 1 1 ? 2020' has no time left to fire (its year has passed): "
        + "the daemon would never delete old fetches (event 4116)", "1 config problem(s) the daemon works around (see the warnings above).")]
    public async Task Validate_JobScheduleWhoseYearHasPassed_NamesTheSettingAndExits2(string setting, string line, string summary)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "appsettings.json"), "{\"Report\": {\"" + setting + "\": \"0 0 9 1 1 ? 2020\"}}");

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([line, summary], result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // A folder where a config file belongs: appsettings.json was taken for absent (the daemon ran on the defaults, its
    // database and schedules elsewhere), the others said "not found" of a name the operator sees in the folder; router.json,
    // which may be absent, is a problem too, not taken for absent.
    [Theory]
    [InlineData("appsettings.json", "")]
    [InlineData("sources.json", "")]
    [InlineData("tags.json", "")]
    [InlineData("router.json", "")]
    [InlineData("ranker.json", "")]
    [InlineData("templates/summary.liquid", " (Summaries:Prompt)")]
    public async Task Validate_AFolderWhereAConfigFileBelongs_IsAProblemSayingSo_Exit2(string file, string setting)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        if (file == "templates/summary.liquid") TempDirectory.TurnSummariesOn(config);
        var path = Path.Combine(config, file);
        File.Delete(path);
        Directory.CreateDirectory(path);

        var result = await CliRunner.RunAsync("validate", "--config", config, "--db", _directory.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"{file}: is a directory in {config}, not a file{setting}", "1 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // The weekly export job writes drafts there: a file in the folder's place (or above it) failed at the first export.
    [Theory]
    [InlineData("", "is a file, not a directory")]
    [InlineData("/drafts", "{0} is a file, not a directory")]
    public async Task Validate_DraftsDirectoryWhereAFileIs_IsAProblemNamingTheSetting(string below, string problem)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var file = _directory.File("taken");
        File.WriteAllText(file, "not a folder");
        TempDirectory.EditSettings(config, settings => settings["Report"]!["DraftsDirectory"] = file + below);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"appsettings.json: Report:DraftsDirectory: '{file + below}': {string.Format(problem, file)}: the weekly export job could not write its drafts there",
            "1 config problem(s); nothing was done."], result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Validate_AnUnknownKeyCloseToNoSetting_ListsTheSectionsSettings()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "appsettings.json"), """{"Storage": {"Colour": "blue"}}""");

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("appsettings.json: Storage:Colour: unknown setting; the settings of Storage are ", result.Error);
        Assert.Contains("Provider", result.Error);
        Assert.DoesNotContain("BinderOptions", result.Error);
    }

    [Fact]
    public async Task Validate_BrokenTemplate_NamesTheTemplate()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "templates", "draft.md.liquid"), "line one\n{% for item in items %}\nnever closed\n");

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("templates/draft.md.liquid:", result.Error);
    }

    // A config folder whose shipped template has `from` replaced by `to`, and the 1-based line the edit is on.
    private (string Config, int Line) ConfigWithTemplateEdit(string from, string to)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var path = Path.Combine(config, "templates", "draft.md.liquid");
        var template = File.ReadAllText(path);
        File.WriteAllText(path, template.Replace(from, to, StringComparison.Ordinal));
        return (config, template[..template.IndexOf(from, StringComparison.Ordinal)].Count(c => c == '\n') + 1);
    }

    [Fact]
    public async Task Validate_TemplateWithAnInvalidTag_IsOneLineNamingFileLineColumnAndTagAsExportSaysIt()
    {
        // Fluid's message ran over three lines ("Invalid 'if' tag at (14:6)", "Source:", the template's line).
        var (config, line) = ConfigWithTemplateEdit("{% if section.note -%}", "{% if -%}");
        var db = _directory.File("r.db");

        var validate = await CliRunner.RunAsync("validate", "--config", config);
        var export = await CliRunner.RunAsync("export", "--config", config, "--db", db);

        var expected = $"templates/draft.md.liquid: line {line}, column 6: Invalid 'if' tag (at '{{% if -%}}')";
        Assert.Equal(2, validate.ExitCode);
        Assert.Equal([expected, "1 config problem(s); nothing was done."], validate.Error.TrimEnd().Split('\n'));
        Assert.Equal(2, export.ExitCode);
        Assert.Equal(validate.Error, export.Error);
    }

    [Fact]
    public async Task Validate_TemplateReadsAMemberDraftsDoNotHave_NamesFileLineMemberAndTheOneMeant()
    {
        var (config, line) = ConfigWithTemplateEdit("{{ item.title }}{% if item.account %}", "{{ item.titel }}{% if item.account %}");
        var db = _directory.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);   // poll does not read the template

        var validate = await CliRunner.RunAsync("validate", "--config", config);
        var export = await CliRunner.RunAsync("export", "--config", config, "--db", db);

        Assert.Equal(2, validate.ExitCode);
        Assert.StartsWith($"templates/draft.md.liquid: line {line}: item.titel: item has no member 'titel'; did you mean title? " +
            "(members: account, links, more, prefix, summary, title, url, writeups)", validate.Error);
        Assert.DoesNotContain("config OK", validate.Out);
        Assert.Equal(2, export.ExitCode);
        Assert.Contains("item.titel", export.Error);
    }

    [Fact]
    public async Task Validate_TemplateUsesAFilterLiquidDoesNotHave_NamesFileLineFilterAndTheOneMeant()
    {
        // Liquid passes a value through an unknown filter unchanged: `| upcas` would silently leave every heading as it was.
        var (config, line) = ConfigWithTemplateEdit("## {{ section.name }}", "## {{ section.name | upcas }}");

        var validate = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, validate.ExitCode);
        Assert.Equal($"templates/draft.md.liquid: line {line}: | upcas: no such filter, so the value would pass through unchanged; did you mean upcase?",
            validate.Error.Split('\n')[0].Trim());
    }

    [Fact]
    public async Task Validate_TemplateFailingWhileRendering_IsAProblemNamingTheTemplateAndExportRefusesIt()
    {
        // It parses and names only what drafts have, but no draft renders: export failed with a stack trace, after validate passed.
        var (config, _) = ConfigWithTemplateEdit("本次{{ count }}条", "本次{{ count | divided_by: 0 }}条");
        var db = _directory.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);

        var validate = await CliRunner.RunAsync("validate", "--config", config);
        var export = await CliRunner.RunAsync("export", "--config", config, "--db", db);

        Assert.Equal(2, validate.ExitCode);
        Assert.StartsWith("templates/draft.md.liquid: rendering failed: Attempted to divide by zero.", validate.Error);
        Assert.DoesNotContain("config OK", validate.Out);
        Assert.Equal(2, export.ExitCode);
        Assert.StartsWith("templates/draft.md.liquid: rendering failed: Attempted to divide by zero.", export.Error);
        Assert.Empty(export.Out);
    }

    [Fact]
    public async Task Poll_BrokenTemplate_PollsWithoutReadingItWhileExportRefuses()
    {
        // poll renders no draft and skips the template; the commands that render one still refuse a broken one.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "templates", "draft.md.liquid"), "line one\n{% for item in items %}\nnever closed\n");
        var db = _directory.File("r.db");

        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var export = await CliRunner.RunAsync("export", "--config", config, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        Assert.Contains("polled 0 source(s)", poll.Out);
        Assert.Equal(2, export.ExitCode);
        Assert.Contains("templates/draft.md.liquid:", export.Error);
    }

    [Fact]
    public async Task Validate_MissingConfigFolder_Exits2()
    {
        var result = await CliRunner.RunAsync("validate", "--config", _directory.File("nowhere"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("config folder not found", result.Error);
    }

    // A word option's help names its words, as System.CommandLine's help does for an option with completions (in ordinal
    // order), which AcceptOnlyFromAmong added and OneOf must add too; so does tab completion.
    [Theory]
    [InlineData("--format <json|markdown>", "export")]
    [InlineData("--status <candidate|published|rejected|shortlisted>", "entries")]
    [InlineData("--status <candidate|rejected|shortlisted>", "mark")]
    [InlineData("--kind <arxiv-api|arxiv-listing|arxiv-rss|feed|github-releases|wechat-mirror>", "sources", "import-opml")]
    [InlineData("--to <postgres>", "migrate")]
    public async Task Help_AWordOption_ListsItsWords(string usage, params string[] command)
    {
        var result = await CliRunner.RunAsync([.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.Out.Split('\n'), line => line.TrimStart().StartsWith(usage + " ", StringComparison.Ordinal));
    }

    // README: a refusal quotes the value at fault by its first 100 characters, then "…" (a pasted file or a runaway shell
    // expansion is not echoed whole).
    [Fact]
    public async Task Command_AWordOptionsLongValue_IsQuotedByItsFirst100Characters()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var value = new string('m', 100) + "arkdown";

        var result = await CliRunner.RunAsync("export", "--format", value, "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"--format: '{new string('m', 100)}…' is not one of markdown, json", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(value, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--week: '2020-W99' is not an ISO week such as 2020-W48", "export", "--week", "2020-W99")]
    [InlineData("--week: '2025-W53' is not an ISO week such as 2020-W48: 2025 has 52 ISO weeks (2025-W01 .. 2025-W52)", "entries", "--week", "2025-W53")]
    [InlineData("--from and --to go together", "export", "--from", "2020-05-01")]
    [InlineData("--from 0001-01-01: dates run from 1990-01-01 to 9998-12-31", "entries", "--from", "0001-01-01", "--to", "2020-05-01")]
    [InlineData("--to 9999-12-31: dates run from 1990-01-01 to 9998-12-31", "publish", "--from", "2020-05-01", "--to", "9999-12-31")]
    [InlineData("use either --week or --from/--to, not both", "export", "--week", "2020-W10", "--from", "2020-05-01", "--to", "2020-05-02")]
    [InlineData("--to 2020-05-01 is before --from 2020-05-02", "export", "--from", "2020-05-02", "--to", "2020-05-01")]
    // A word option's refusal names the option, as the others do, and the word meant when one is close (CloseNames: within
    // two edits, or containing what was typed): "jsn" is one edit from json, "shortlist" is in "shortlisted"; pdf and
    // published are near none of theirs (mark takes no "published": only publish sets it).
    [InlineData("--format: 'pdf' is not one of markdown, json", "export", "--format", "pdf")]
    [InlineData("--format: 'jsn' is not one of markdown, json; did you mean json?", "export", "--format", "jsn")]
    [InlineData("--status: 'shortlist' is not one of candidate, shortlisted, rejected, published; did you mean shortlisted?", "entries", "--status", "shortlist")]
    [InlineData("--status: 'published' is not one of shortlisted, rejected, candidate", "mark", "5", "--status", "published")]
    [InlineData("--to: 'mysql' is not one of postgres", "migrate", "--to", "mysql", "--connection", "Host=127.0.0.1")]
    // Words are compared with their case, as AcceptOnlyFromAmong did (JSON was refused before round 44): a case-blind check
    // let --format JSON through to an export that knows only "json". The suggestion is blind to case (json).
    [InlineData("--format: 'JSON' is not one of markdown, json; did you mean json?", "export", "--format", "JSON")]
    [InlineData("--format: 'JSN' is not one of markdown, json; did you mean json?", "export", "--format", "JSN")]
    // Containing a word is enough, however far: json-pretty is seven edits from json.
    [InlineData("--format: 'json-pretty' is not one of markdown, json; did you mean json?", "export", "--format", "json-pretty")]
    [InlineData("--kind: 'feeds' is not one of arxiv-rss, arxiv-listing, arxiv-api, github-releases, wechat-mirror, feed; did you mean feed?", "sources", "import-opml", "subscriptions.opml", "--kind", "feeds")]
    // A feed's format is kind feed, as sources.json's kind says (SourceCatalog): the closest spelling, arxiv-rss, would make
    // every outline an arXiv source; atom is close to no kind at all.
    [InlineData("--kind: 'rss' is not one of arxiv-rss, arxiv-listing, arxiv-api, github-releases, wechat-mirror, feed; did you mean feed? (any RSS, Atom or JSON Feed address)", "sources", "import-opml", "subscriptions.opml", "--kind", "rss")]
    [InlineData("--kind: 'atom' is not one of arxiv-rss, arxiv-listing, arxiv-api, github-releases, wechat-mirror, feed; did you mean feed? (any RSS, Atom or JSON Feed address)", "sources", "import-opml", "subscriptions.opml", "--kind", "atom")]
    [InlineData("unknown source id(s): no-such-source (see 'sources')", "poll", "--source", "no-such-source")]
    [InlineData("Unrecognized command or argument 'frobnicate'.", "frobnicate")]
    // Whole numbers past their type's range (Int32: 2147483647, Int64: 9223372036854775807) or none at all.
    [InlineData("--position: '99999999999' is more than the largest value taken, 2147483647", "move", "1", "--position", "99999999999")]
    [InlineData("--position: '-99999999999' is less than the smallest value taken, -2147483648", "move", "1", "--position", "-99999999999")]
    [InlineData("--position: '+99999999999' is more than the largest value taken, 2147483647", "move", "1", "--position", "+99999999999")]
    [InlineData("ID: '99999999999999999999' is more than the largest value taken, 9223372036854775807", "mark", "5", "99999999999999999999", "--status", "rejected")]
    [InlineData("ID: '９' is not a whole number", "edit", "９", "--title", "x")]
    [InlineData("--limit: 'ten' is not a whole number", "entries", "--limit", "ten")]
    [InlineData("--folds: '1e3' is not a whole number", "evaluate", "--corpus", "c", "--folds", "1e3")]
    public async Task Command_BadUsage_Exits2NamingTheProblem(string message, params string[] args)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var db = _directory.File("r.db");
        File.WriteAllBytes(db, []);   // an empty SQLite database: export refuses a missing one before it reads its options

        var result = await CliRunner.RunAsync([.. args, "--config", config, "--db", db]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error.ReplaceLineEndings("\n"));
        Assert.Empty(result.Out);
    }

    // --from and --to are both inclusive: the same day twice is a window of that one day (an issue of a single day's news).
    [Fact]
    public void ExportWindow_FromAndToTheSameDay_IsThatOneDay()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        var window = EmbeddedAiReport.Worker.Cli.ExportCommand.Window(new(null, "2020-05-08", "2020-05-08"), zone,
            new DateTimeOffset(2020, 5, 20, 0, 0, 0, TimeSpan.Zero), out var problem);

        Assert.Equal("", problem);
        Assert.NotNull(window);
        Assert.Equal(new DateOnly(2020, 5, 8), window.First);
        Assert.Equal(new DateOnly(2020, 5, 8), window.Last);
    }

    [Fact]
    public async Task Poll_DamagedDatabase_OneLineNamingTheFileAndExit2_NothingPolled()
    {
        // The database's failure is no source's: it is reported once, naming the file, with the exit code of a file error,
        // before any source is fetched. (A file without the SQLite header is refused even before that.)
        var config = _directory.ConfigWithSources("""
            {"sources": [{"id": "a", "kind": "feed", "url": "http://127.0.0.1:9/a.xml", "allowPrivateNetwork": true},
                         {"id": "b", "kind": "feed", "url": "http://127.0.0.1:9/b.xml", "allowPrivateNetwork": true}]}
            """);
        var db = _directory.File("r.db");
        File.WriteAllBytes(db, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)'x', 4096)]);

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);

        Assert.Equal(2, poll.ExitCode);
        Assert.Equal($"error: {db}: SQLite Error 26: 'file is not a database'; nothing was polled", poll.Error.TrimEnd());
        Assert.Equal("", poll.Out);
    }

    [Fact]
    public async Task Poll_FailingSource_Exits1AndSourcesShowsTheError()
    {
        var config = _directory.ConfigWithSources("""{"sources": [{"id": "dead", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml", "allowPrivateNetwork": true}]}""");
        var db = _directory.File("r.db");

        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        Assert.Equal(1, poll.ExitCode);
        Assert.Contains("dead: error: http://127.0.0.1:9/feed.xml: unreachable", poll.Out);
        Assert.Equal(0, sources.ExitCode);
        Assert.Matches(@"dead\s+feed\s+failing\s+0\s+-\s+1\s+-\s+http://127\.0\.0\.1:9/feed\.xml: unreachable", sources.Out);
    }
}
