using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// Issue 18 items 7–9: what an operator reads. Durations need a unit; JSON errors give 1-based line and column; a
/// 5-field cron gets the Quartz form in config words; a taken port is one line and exit 2; a loopback refusal is said
/// once per source, on stdout only.
/// </summary>
public sealed class OperatorMessagesTests : LoopbackTest
{
    private const string Forms = "write a duration as 30s, 5m, 1h, 1d, 1w or hh:mm:ss";

    private string Config(string source, Action<JsonObject>? settings = null, string folder = "config")
    {
        var config = Folder.ConfigWithSources($$"""{"sources": [{"id": "a", "kind": "feed", "url": "https://example.org/feed.xml", {{source}}}]}""", folder);
        if (settings is not null) TempDirectory.EditSettings(config, settings);
        return config;
    }

    [Theory]
    [InlineData("\"timeout\": \"30\"", $"sources.json: source 'a': timeout: '30' has no unit; {Forms}")]
    [InlineData("\"timeout\": 30", $"sources.json: source 'a': timeout: '30' has no unit; {Forms}")]
    [InlineData("\"politenessDelay\": \"3\"", $"sources.json: source 'a': politenessDelay: '3' has no unit; {Forms}")]
    [InlineData("\"budget\": \"1.5\"", $"sources.json: source 'a': budget: '1.5' has no unit; {Forms}")]
    [InlineData("\"schedule\": \"30\"", $"sources.json: source 'a': schedule: '30' has no unit; {Forms}, or as a Quartz cron expression")]
    [InlineData("\"timeout\": \"2 weeks\"", "sources.json: source 'a': timeout: '2 weeks' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    public async Task Validate_SourceDurationWithoutAUnit_NamesTheFieldAndTheForms(string field, string expected)
    {
        var result = await CliRunner.RunAsync("validate", "--config", Config(field));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(expected, result.Error.Split('\n')[0].Trim());
    }

    [Fact]
    public async Task Validate_ASourceOnAPrivateAddressWithoutAllowPrivateNetwork_WarnsNamingTheSourceAndTheKey()
    {
        // README, "Adding a source" 3: a feed on your own network needs "allowPrivateNetwork": true, or every poll is refused;
        // validate said "config OK" and the operator learnt it from the first poll. A disabled source is never polled.
        var config = Folder.ConfigWithSources("""
            {"sources": [
              {"id": "intranet", "kind": "feed", "url": "http://192.168.1.20:4000/feed.xml"},
              {"id": "mirror", "kind": "wechat-mirror", "mirror": "http://localhost:4000", "flavor": "wewe-rss", "accounts": [{"feed": "a", "name": "机器之心"}]},
              {"id": "allowed", "kind": "feed", "url": "http://127.0.0.1:8000/feed.xml", "allowPrivateNetwork": true},
              {"id": "off", "kind": "feed", "url": "http://10.0.0.5/feed.xml", "enabled": false},
              {"id": "public", "kind": "feed", "url": "https://example.org/feed.xml"}]}
            """);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["warning: sources.json: source 'intranet': allowPrivateNetwork: http://192.168.1.20:4000 is a loopback or private address, which polls refuse; "
                + "set \"allowPrivateNetwork\": true on the source (a self-hosted mirror, an intranet feed)",
             "warning: sources.json: source 'mirror': allowPrivateNetwork: http://localhost:4000 is a loopback or private address, which polls refuse; "
                + "set \"allowPrivateNetwork\": true on the source (a self-hosted mirror, an intranet feed)",
             "2 config problem(s) the daemon works around (see the warnings above)."],
            Lines(result.Error));
    }

    [Fact]
    public async Task Validate_AMisspeltSection_IsAWarningNamingIt()
    {
        var misspelt = Config("\"enabled\": true", json => json["Fetchng"] = new JsonObject { ["Contact"] = "ops@example.org" });
        var correct = Config("\"enabled\": true", folder: "correct");

        var warned = await CliRunner.RunAsync("validate", "--config", misspelt);
        var quiet = await CliRunner.RunAsync("validate", "--config", correct);

        Assert.Equal("warning: appsettings.json: section 'Fetchng' is read by nothing, its settings are ignored "
            + "(sections: Report, Fetching, Draft, Dedup, Storage, Summaries, Logging, Kestrel)", warned.Error.Split('\n')[0].Trim());
        Assert.Equal((0, ""), (quiet.ExitCode, quiet.Error));
    }

    [Fact]
    public async Task Validate_AppSettingsDurationsWithoutAUnit_NameTheKeyOnce()
    {
        var config = Config("\"enabled\": true", json =>
        {
            json["Fetching"]!["Timeout"] = "30";
            json["Fetching"]!["HostDelays"]!["arxiv.org"] = "3";
            json["Summaries"] = new JsonObject { ["ExportBudget"] = "90" };
        });

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [$"appsettings.json: Fetching:Timeout: '30' has no unit; {Forms}", $"appsettings.json: Fetching:HostDelays:arxiv.org: '3' has no unit; {Forms}",
             $"appsettings.json: Summaries:ExportBudget: '90' has no unit; {Forms}", "3 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Validate_FetchingDurationsPollyAndTimersRefuse_NameTheKeys()
    {
        // Each of these made every poll an "internal error" (Polly's option validation, a timer's range) on a config validate passed.
        var config = Config("\"enabled\": true", json =>
        {
            json["Fetching"]!["RetryBaseDelay"] = "2d";
            json["Fetching"]!["CircuitBreakDuration"] = "00:00:00.1";
            json["Fetching"]!["PollBudget"] = "60d";
            json["Fetching"]!["HostDelays"]!["arxiv.org"] = "2d";
        });

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["appsettings.json: Fetching:RetryBaseDelay: must be at most 1 day, got 2d",
             "appsettings.json: Fetching:PollBudget: must be at most 1 day, got 60d",
             "appsettings.json: Fetching:CircuitBreakDuration: must be from 0.5 s to 1 day, got 0.1s",
             "appsettings.json: Fetching:HostDelays:arxiv.org: must be from 0 to 1 day, got 2d", "4 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // Report:ProtectReads asks the reads for the editor token: without one set, nothing could read them, so it is refused.
    [Fact]
    public async Task Validate_ProtectReadsWithoutAnEditorToken_IsAProblem()
    {
        var config = Config("\"enabled\": true", json => json["Report"]!["ProtectReads"] = true);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["appsettings.json: Report:ProtectReads: needs Report:EditorToken, the token the reads then ask for", "1 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // A minus zero passed where 0 is allowed (a host delay), and two durations had no range: Report:ExportLag took a negative
    // lag (the job exporting a week not over) and Summaries:ExportBudget a zero one (export --summaries asking nothing).
    [Fact]
    public async Task Validate_MinusZeroAndTheRangesOfExportLagAndExportBudget_AreProblemsNamingTheValue()
    {
        var config = Config("\"enabled\": true", json =>
        {
            json["Report"]!["ExportLag"] = "-1.00:00:00";
            json["Fetching"]!["HostDelays"] = new JsonObject { ["arxiv.org"] = "-0s", ["example.org"] = "-00:00:00" };
            json["Summaries"] = new JsonObject { ["Endpoint"] = "http://127.0.0.1:9/v1", ["Model"] = "m", ["ExportBudget"] = "0s" };
        });
        var tooLong = Config("\"enabled\": true", json => json["Report"]!["ExportLag"] = "5w", folder: "long");

        var result = await CliRunner.RunAsync("validate", "--config", config);
        var longLag = await CliRunner.RunAsync("validate", "--config", tooLong);

        Assert.Equal(
            ["appsettings.json: Fetching:HostDelays:arxiv.org: '-0s' has a minus sign; a duration is written without one, as 30s, 5m, 1h, 1d, 1w or hh:mm:ss",
             "appsettings.json: Fetching:HostDelays:example.org: '-00:00:00' has a minus sign; a duration is written without one, as 30s, 5m, 1h, 1d, 1w or hh:mm:ss",
             "appsettings.json: Report:ExportLag: must be from 0 to 28 days, got -1d",
             "appsettings.json: Summaries:ExportBudget: must be positive, got 0s",
             "4 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["appsettings.json: Report:ExportLag: must be from 0 to 28 days, got 35d", "1 config problem(s); nothing was done."],
            longLag.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Validate_DurationsOutOfRange_SayTheValueAsTheFileWritesIt()
    {
        // README, "Configuration": durations are written 30s, 5m, 1h, 1d; a range problem says the value that way (0s, 12h,
        // 0.1s, (90s)), as TimeSpan's 00:00:00 or 00:01:30 is no form the operator wrote or could write back.
        var ranges = Config("\"enabled\": true", json =>
        {
            json["Report"]!["FetchRetention"] = "12h";
            json["Fetching"]!["Timeout"] = "0s";
            json["Fetching"]!["PollBudget"] = "0s";
            json["Fetching"]!["TotalTimeout"] = "2d";
            json["Storage"] = new JsonObject { ["ClusterCheckinInterval"] = "0.1s" };
            json["Summaries"] = new JsonObject { ["Endpoint"] = "http://127.0.0.1:9/v1", ["Model"] = "m", ["Timeout"] = "0s" };
        });
        var totalBelowTimeout = Config("\"enabled\": true", json =>
        {
            json["Fetching"]!["Timeout"] = "90s";
            json["Fetching"]!["TotalTimeout"] = "1m";
        }, folder: "total");

        var result = await CliRunner.RunAsync("validate", "--config", ranges);
        var total = await CliRunner.RunAsync("validate", "--config", totalBelowTimeout);

        Assert.Equal(
            ["appsettings.json: Report:FetchRetention: must be at least 1 day, got 12h",
             "appsettings.json: Fetching:Timeout: must be positive, got 0s",
             "appsettings.json: Fetching:PollBudget: must be positive, got 0s",
             "appsettings.json: Fetching:TotalTimeout: must be at most 1 day, got 2d",
             "appsettings.json: Storage:ClusterCheckinInterval: must be between 0.5 s and 10 min, got 0.1s",
             "appsettings.json: Summaries:Timeout: must be positive, got 0s",
             "6 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(
            ["appsettings.json: Fetching:TotalTimeout: must be at least Fetching:Timeout (90s)", "1 config problem(s); nothing was done."],
            total.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("0s", "0s")]
    [InlineData("2h", "2h")]
    [InlineData("00:00:01.5", "1.5s")]
    [InlineData("5s", null)]
    public async Task Validate_BusyTimeout_WholeSecondsFromOneSecondToAnHour(string value, string? shown)
    {
        // Microsoft.Data.Sqlite counts its command timeout in whole seconds, and 0 there means waiting for ever.
        var config = Config("\"enabled\": true", json => json["Storage"] = new JsonObject { ["BusyTimeout"] = value });

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(shown is null ? 0 : 2, result.ExitCode);
        if (shown is not null)
            Assert.Equal($"appsettings.json: Storage:BusyTimeout: must be whole seconds between 1 s and 1 h, got {shown}",
                result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);
    }

    [Fact]
    public async Task Validate_NegativeLinkLimits_NameTheKeys()
    {
        // Both limits reach SQL as parameters; a negative one would silently make every paper a hub.
        var config = Config("\"enabled\": true", json => json["Dedup"] = new JsonObject { ["MaxLinkFanout"] = -1, ["MaxLinksPerEntry"] = -2 });

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["appsettings.json: Dedup:MaxLinksPerEntry: must not be negative", "appsettings.json: Dedup:MaxLinkFanout: must not be negative",
             "2 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Validate_NegativeDraftMaxLinksPerItem_NamesTheKey()
    {
        var config = Config("\"enabled\": true", json => json["Draft"]!["MaxLinksPerItem"] = -1);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["appsettings.json: Draft:MaxLinksPerItem: must not be negative", "1 config problem(s); nothing was done."],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    // README: an item of the draft lists at most Draft:MaxLinksPerItem of each; none (0) counts them all in the one line.
    [Fact]
    public async Task Validate_DraftMaxLinksPerItemOfZero_IsAccepted()
    {
        var config = Config("\"enabled\": true", json => json["Draft"]!["MaxLinksPerItem"] = 0);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task Validate_DurationsWithUnitsAndWeeks_AreRead()
    {
        var config = Config("\"schedule\": \"1w\", \"timeout\": \"45s\", \"budget\": \"00:01:30\"", json =>
        {
            json["Fetching"]!["Timeout"] = "20s";
            json["Fetching"]!["PollBudget"] = "2m";
            json["Report"]!["FetchRetention"] = "2w";
            json["Summaries"] = new JsonObject { ["ExportBudget"] = "90s" };
            json["Storage"] = new JsonObject { ["ClusterCheckinInterval"] = "2s" };
        });

        var result = await CliRunner.RunAsync("validate", "--config", config);
        var loaded = WorkerHost.LoadConfig(config, null);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(2), TimeSpan.FromDays(14), TimeSpan.FromSeconds(2)),
            (loaded.Fetching.Timeout, loaded.Fetching.PollBudget, loaded.Report.FetchRetention, loaded.Storage.ClusterCheckinInterval));
        var source = Assert.Single(loaded.Sources);
        Assert.Equal(("1w", TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(90)), (source.Schedule, source.Timeout, source.PollBudget));
    }

    [Fact]
    public async Task Validate_SourceInASectionOfTheSettingsOnly_IsReadWithTheSettingsSections()
    {
        // sources.json is read beside the binding of appsettings.json (LoadedConfig.Load): it must still see the sections
        // appsettings.json defines, not the default four.
        var sections = new JsonArray(
            new JsonObject { ["Slug"] = "news", ["Name"] = "业界新闻" },
            new JsonObject { ["Slug"] = "tools", ["Name"] = "工具" });
        var withTools = Config("\"section\": \"工具\"", json => json["Draft"] = new JsonObject { ["Sections"] = sections });
        var withoutTools = Config("\"section\": \"工具\"", folder: "config-default-sections");

        var accepted = await CliRunner.RunAsync("validate", "--config", withTools);
        var refused = await CliRunner.RunAsync("validate", "--config", withoutTools);

        // The shipped router.json still routes to the sections 'tools' replaced: a warning of its own, the source is accepted.
        Assert.Equal(["warning: router.json"], accepted.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).Select(l => l[..l.IndexOf(':', 9)]));
        Assert.Equal("tools", Assert.Single(WorkerHost.LoadConfig(withTools, null).Sources).Section);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("sources.json: source 'a': section: unknown section '工具' (known: blogs, news, opensource, papers, 业界新闻, 博文, 开源项目, 论文)",
            refused.Error.Split('\n')[0].Trim());
    }

    [Fact]
    public async Task Validate_ASectionTheRouterRoutesToRenamed_IsAWarningNamingItAndTheWayOut()
    {
        // 博文 renamed from blogs to posts: the shipped router.json still routes to 'blogs', so every post it sends there
        // would be stored in a section no draft has.
        var sections = new JsonArray(
            new JsonObject { ["Slug"] = "news", ["Name"] = "业界新闻" }, new JsonObject { ["Slug"] = "papers", ["Name"] = "论文" },
            new JsonObject { ["Slug"] = "opensource", ["Name"] = "开源项目" }, new JsonObject { ["Slug"] = "posts", ["Name"] = "博文" });
        var renamed = Config("\"enabled\": true", json => json["Draft"] = new JsonObject { ["Sections"] = sections });

        var result = await CliRunner.RunAsync("validate", "--config", renamed);

        Assert.Equal(2, result.ExitCode);   // a warning: the daemon runs on, but a check of the folder does not call it OK
        Assert.Equal("warning: router.json: routes entries to 'blogs', not a section of Draft:Sections (news, papers, opensource, posts): "
            + "entries routed there are in no draft; run the train command to learn the sections as configured", result.Error.Split('\n')[0].Trim());
    }

    [Fact]
    public void DurationSettings_ReadEverySectionTheSettingsBind()
    {
        // The two lists are kept by hand (the binding generator needs each binding spelled out): a section missing from
        // ReportSettings.Sections would take only the binder's TimeSpan forms ("30s" refused, "30" read as 30 days).
        var bound = new ServiceCollection().AddReportSettings(null)
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0]).ToHashSet();

        Assert.Equal(6, bound.Count);
        Assert.Equal(bound, ReportSettings.Sections.Select(s => s.Options).ToHashSet());
    }

    [Fact]
    public async Task Validate_JsonSyntaxErrors_GiveOneBasedLineAndCharacterColumn()
    {
        var config = Config("\"enabled\": true");
        // Line 14 has a missing comma before "url", at character 56 (byte 61: the three CJK characters take three bytes each).
        File.WriteAllText(Path.Combine(config, "sources.json"), string.Join("\n",
            ["{", .. Enumerable.Range(2, 11).Select(i => $"  // comment line {i}"), "  \"sources\": [",
             "    { \"id\": \"qbitai\", \"account\": \"量子位\", \"kind\": \"feed\" \"url\": \"https://x.org/\" }", "  ]", "}"]));
        File.WriteAllText(Path.Combine(config, "appsettings.json"), "{\n  \"Report\": {\n    \"Urls\": \"http://127.0.0.1:5180\"\n    \"DraftsDirectory\": \"drafts\"\n  }\n}\n");

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json: not valid JSON: line 4, column 5: ", result.Error);
        Assert.Contains("sources.json: not valid JSON: line 14, column 56: ", result.Error);
        Assert.DoesNotContain("LineNumber", result.Error);
    }

    [Theory]
    [InlineData("0 9 * * 1", "write '0 0 9 ? * MON'")]
    [InlineData("30 3 * * *", "write '0 30 3 * * ?'")]
    [InlineData("0 9 * * 1-5", "write '0 0 9 ? * MON-FRI'")]
    [InlineData("0 9 * * 7", "write '0 0 9 ? * SUN'")]   // Unix counts Sunday as 0 and 7
    // A day number beyond int and a full-width digit are no days (int.Parse threw: validate stopped with a stack trace).
    [InlineData("0 9 * * 99999999999", "'0 9 * * 99999999999' has 5 fields, the Unix crontab form")]
    [InlineData("0 9 * * １", "'0 9 * * １' has 5 fields, the Unix crontab form")]
    [InlineData("0 0 9 ? MON *", "not a Quartz cron expression: '0 0 9 ? MON *' (Invalid Month value: 'MON' names a day of the week")]
    [InlineData("0 0 12 31 2 ?", "'0 0 12 31 2 ?' never fires: no date matches its day-of-month, month and year fields")]
    [InlineData("0 0 12 30 2 ? *", "'0 0 12 30 2 ? *' never fires: no date matches its day-of-month, month and year fields")]
    public async Task Validate_UnixCron_IsExplainedInTheConfigsWords(string schedule, string expected)
    {
        var result = await CliRunner.RunAsync("validate", "--config", Config($"\"schedule\": \"{schedule}\""));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("sources.json: source 'a': schedule: ", result.Error);
        Assert.Contains(expected, result.Error);
        if (schedule.Split(' ').Length == 5) Assert.Contains("Quartz cron has 6 or 7 with seconds first", result.Error);
        Assert.DoesNotContain("CronExpression", result.Error);
        Assert.DoesNotContain("CronFormat", result.Error);
    }

    [Fact]
    public async Task Run_PortAlreadyInUse_OneLineNamingTheAddressAndReportUrls_Exit2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var config = Config("\"enabled\": false", json => json["Report"]!["Urls"] = url);

        var result = await CliRunner.RunAsync("run", "--config", config, "--db", Folder.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"Report:Urls: {url} is already in use (another daemon running?); stop it or set Report:Urls in appsettings.json (or EAIR_Report__Urls) to a free address",
            result.Error.Trim());
        Assert.Equal("", result.Out);
    }

    // Kestrel would look for ASP.NET Core's development certificate, find none and stop the daemon with a stack trace.
    [Fact]
    public async Task Run_HttpsWithoutACertificate_OneLineNamingTheSettingsOrAProxy_Exit2()
    {
        var config = Config("\"enabled\": false", json => json["Report"]!["Urls"] = "https://127.0.0.1:0");

        var result = await CliRunner.RunAsync("run", "--config", config, "--db", Folder.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Report:Urls: https://127.0.0.1:0 needs a certificate: set Kestrel:Certificates:Default:Path and :KeyPath (PEM files) in appsettings.json "
            + "(or EAIR_Kestrel__Certificates__Default__Path and __KeyPath), or listen on http behind a TLS proxy that sends X-Forwarded-Proto", result.Error.Trim());
    }

    [Fact]
    public async Task Run_SecondDaemonOnTheSameSqliteFile_OneLineNamingItAndExit2_TheFirstRunsOn()
    {
        // The operator followed the taken port's advice: another address, the same database.
        var first = Config("\"enabled\": false");
        var second = Config("\"enabled\": false", folder: "second");
        Daemon.Prepare(first);
        Daemon.Prepare(second);
        var db = Folder.File("r.db");
        await using var running = Daemon.Start(first, db);
        await running.WaitForAsync(4112);

        await using var mistaken = Daemon.Start(second, db);
        var refused = await mistaken.Completion.WaitPatientlyAsync("the second daemon's exit");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal($"error: {db}: another daemon is running on this database (it holds {db}.lock); stop it first: two daemons on one SQLite "
            + "file would both poll every source and write the weekly draft (several daemons share a database only on PostgreSQL, Storage:Provider)",
            refused.Error.Trim().Split('\n')[^1]);
        Assert.False(running.Completion.IsCompleted);
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(running.BaseUri, "healthz"))).StatusCode);
        Assert.Equal(0, (await running.StopAsync()).ExitCode);

        // The lock goes with the daemon: once it stopped, the next one starts.
        await using var next = Daemon.Start(second, db);
        await next.WaitForAsync(4112);
        Assert.Equal(0, (await next.StopAsync()).ExitCode);
    }

    [Fact]
    public async Task Run_JobStoreOnAFullDisk_OneLineNamingTheCauseAndExit2()
    {
        var config = Config("\"enabled\": false");
        Daemon.Prepare(config);

        await using var daemon = Daemon.Start(config, Folder.File("r.db"), configure: services => services.AddHostedService<FullDiskJobStore>());
        var result = await daemon.Completion;

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {Folder.File("r.db")}: SQLite Error 13: 'database or disk is full'", result.Error.Trim().Split('\n')[^1]);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    /// <summary>What Quartz throws when the disk is full as it writes the schedules at start: SQLite's error, wrapped.</summary>
    private sealed class FullDiskJobStore : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            throw new Quartz.JobPersistenceException("Couldn't commit ADO.NET transaction. SQLite Error 13: 'database or disk is full'.",
                new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full'.", 13));

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Migrate_PostgresServerUnreachable_OneLineNamingTheFailureAndExit2()
    {
        var config = Config("\"enabled\": false");
        var db = Folder.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);   // the SQLite file exists
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        var result = await CliRunner.RunAsync("migrate", "--to", "postgres", "--connection", $"Host=127.0.0.1;Port={port};Username=report;Database=report;Timeout=5",
            "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        var last = result.Error.Trim().Split('\n')[^1];
        Assert.StartsWith("migrate: Failed to connect to 127.0.0.1:" + port, last);
        Assert.EndsWith($"; no row was copied to postgres://127.0.0.1:{port}/report", last);
        Assert.Equal("", result.Out);
    }

    // The reason phrase is the server's to write: one with a screen-clearing escape, a window-title sequence and BEL reached the operator's terminal through poll and sources (and the log) as it came.
    [Fact]
    public async Task PollAndSources_ReasonPhraseWithTerminalEscapes_PrintTheErrorWithoutControlCharacters()
    {
        var (poll, sources) = await PollAndSourcesOfA404Async("hostile", "Gone \u001b[2J\u001b]0;pwned\u0007 away");

        Assert.Equal(1, poll.ExitCode);
        Assert.Contains("HTTP 404 Gone [2J ]0;pwned away (check the URL", poll.Out);
        Assert.Contains("HTTP 404 Gone [2J ]0;pwned away (check the URL", sources.Out);
        Assert.DoesNotContain(poll.Out + poll.Error + sources.Out + sources.Error, c => char.IsControl(c) && c is not '\n' and not '\r');
    }

    // bench/bigweek.py: a failing source's note was its whole error, lines of sources up to 344 characters. The table cuts
    // it at 160 characters and says so with "…" (the pause stays); poll prints the whole error, as GET /sources has it.
    [Fact]
    public async Task Sources_LongError_IsCutAt160CharactersWithAnEllipsis_PollPrintsItWhole()
    {
        var reason = string.Concat(Enumerable.Range(1, 30).Select(i => $"word{i:00} "));   // 210 characters
        var (poll, sources) = await PollAndSourcesOfA404Async("gone", reason.Trim());

        var error = $"{Server.Url("feed.xml")}: HTTP 404 {reason.Trim()} (check the URL: the feed may have moved or been removed)";
        Assert.Contains(error, poll.Out);
        var line = Assert.Single(Lines(sources.Out), l => l.StartsWith("gone ", StringComparison.Ordinal));
        var note = line[line.IndexOf(Server.Url("feed.xml").ToString(), StringComparison.Ordinal)..];
        Assert.StartsWith(error[..160] + "… (paused until ", note);
        Assert.DoesNotContain("word30", line);
    }

    // A failing request of a source of many (a mirror's account) has its own line under the source's: cut alike.
    [Fact]
    public async Task Sources_AnAccountsLongError_IsCutAt160CharactersWithAnEllipsis()
    {
        var reason = string.Concat(Enumerable.Range(1, 30).Select(i => $"word{i:00} ")).Trim();   // 209 characters
        Server.MapFile("feeds/alive.rss", FaultFeeds.Healthy(2, "alive"));
        Server.Map("feeds/dead.rss", context =>
        {
            context.Response.StatusCode = 404;
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>()!.ReasonPhrase = reason;
            return Task.CompletedTask;
        });
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "accounts": ["alive", "dead"], "allowPrivateNetwork": true}]}
            """);
        var db = Folder.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);

        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        var error = $"{Server.Url("feeds/dead.rss")}: HTTP 404 {reason} (check the URL: the feed may have moved or been removed)";
        var line = Assert.Single(Lines(sources.Out), l => l.StartsWith("dead: ", StringComparison.Ordinal));
        Assert.StartsWith("dead: 1 failure(s): " + error[..160] + "… (paused until ", line);
        Assert.DoesNotContain("word30", line);
    }

    // `poll`, then `sources`, of one feed source whose server answers 404 with the reason phrase given.
    private async Task<(CliResult Poll, CliResult Sources)> PollAndSourcesOfA404Async(string id, string reason)
    {
        Server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 404;
            context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>()!.ReasonPhrase = reason;
            return Task.CompletedTask;
        });
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "{{id}}", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}
            """);
        var db = Folder.File("r.db");
        return (await CliRunner.RunAsync("poll", "--config", config, "--db", db), await CliRunner.RunAsync("sources", "--config", config, "--db", db));
    }

    [Fact]
    public async Task Poll_MirrorOnLoopbackWithoutAllowPrivateNetwork_SaysSoOnceOnStdoutOnly()
    {
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "mirror", "kind": "wechat-mirror", "mirror": "{{Server.BaseUri}}", "flavor": "wewe-rss",
                          "accounts": [{"feed": "a", "name": "机器之心"}, {"feed": "b", "name": "量子位"}, {"feed": "c", "name": "安兔兔"}]}]}
            """);

        // The console logger writes to the process's own stderr, so which stream a line lands on shows only in a child process.
        var (code, stdout, stderr) = await CliRunner.RunChildAsync("poll", "--config", config, "--db", Folder.File("r.db"));

        Assert.Equal(1, code);
        var line = Assert.Single(stdout.Split('\n'), l => l.Contains("mirror: error:", StringComparison.Ordinal));
        Assert.Equal(1, Occurrences(stdout, "resolves to a private or loopback address"));
        Assert.Contains($"{Server.Url("feeds/a.rss")} and 2 more request(s) to 127.0.0.1: refused: 127.0.0.1 resolves to a private or loopback address; "
            + "set \"allowPrivateNetwork\": true on the source", line);
        Assert.Equal(0, Occurrences(stderr, "private or loopback"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Poll_BareAndAll_PollEveryEnabledSource_SourceWithAllIsAUsageError()
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "on", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true},
                         {"id": "off", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true, "enabled": false}]}
            """);
        var db = Folder.File("r.db");

        var bare = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var all = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var disabled = await CliRunner.RunAsync("poll", "--source", "off", "--config", config, "--db", db);
        var both = await CliRunner.RunAsync("poll", "--source", "on", "--all", "--config", config, "--db", db);

        Assert.Equal(["[1/1] on: 2 new, 0 updated, 0 unchanged", "polled 1 source(s): 2 new, 0 updated, 0 failed"], Lines(bare.Out));
        Assert.Equal(["[1/1] on: not modified", "polled 1 source(s): 0 new, 0 updated, 0 failed"], Lines(all.Out));   // the same source again, its ETag still holds
        Assert.StartsWith("[1/1] off: ", Lines(disabled.Out)[0]);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Error);
    }

    [Fact]
    public async Task Poll_SourcesAHostsGapLeavesNoTurnFor_AreSaidNotPolled_NotFailed_Exit0()
    {
        // A 2-minute gap at the host of a and b: b's turn would come after the 60 s run's budget, so b is not asked at all.
        foreach (var name in new[] { "a", "b", "c" }) Server.MapFile($"{name}.xml", FaultFeeds.Healthy(2, name));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "a", "kind": "feed", "url": "{{Server.Url("a.xml")}}", "allowPrivateNetwork": true, "politenessDelay": "2m"},
                         {"id": "b", "kind": "feed", "url": "{{Server.Url("b.xml")}}", "allowPrivateNetwork": true, "politenessDelay": "2m"},
                         {"id": "c", "kind": "feed", "url": "{{Server.Url("c.xml")}}", "allowPrivateNetwork": true}]}
            """);
        var db = Folder.File("r.db");

        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        Assert.Equal(0, poll.ExitCode);
        var lines = Lines(poll.Out);
        Assert.Equal(["a: 2 new, 0 updated, 0 unchanged",
                      "b: not polled: 127.0.0.1's politeness gap (120s) leaves room for 1 of its 2 sources in the run's budget (60s); the daemon polls them in turn, or raise Fetching:PollBudget",
                      "c: 2 new, 0 updated, 0 unchanged"], lines.SkipLast(1).Select(l => l[(l.IndexOf("] ") + 2)..]).Order());
        Assert.Equal("polled 2 source(s): 4 new, 0 updated, 0 failed; 1 not polled, no turn at their host in the run's budget (see above)", lines[^1]);
        Assert.DoesNotContain(Lines(sources.Out), l => l.Contains("failing"));
        Assert.Equal(["/a.xml", "/c.xml"], Server.Requests.Select(r => r.PathAndQuery).Order());
    }

    [Fact]
    public async Task Export_TemplateFailingOnlyOnThisDraft_IsOneLineNamingTheTemplateAndExit2()
    {
        // The sample drafts validate renders have items and past issues, or neither; this branch fails on a first issue only.
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources($$"""
            {"sources": [{"id": "a", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true}]}
            """));
        File.AppendAllText(Path.Combine(config, "templates", "draft.md.liquid"), "{% if past_issues.size == 0 and count > 0 %}{{ 1 | divided_by: 0 }}{% endif %}\n");
        var db = Folder.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("validate", "--config", config)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);

        var export = await CliRunner.RunAsync("export", "--week", "2020-W48", "--config", config, "--db", db);

        Assert.Equal(2, export.ExitCode);
        Assert.Equal(["templates/draft.md.liquid: rendering failed: Attempted to divide by zero."], Lines(export.Error));
        Assert.Empty(export.Out);
    }

    // A source renamed in sources.json leaves its stored entries under the old id, where polls under the new one no longer
    // update them (README: "another source seeing the same key does not overwrite it") and `sources` counts none for it.
    [Fact]
    public async Task RenamedSource_ValidateAndTheDaemonsStartNameTheOldIdHoldingEntries_ValidateOnlyReadsTheDatabase()
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        const string Sources = """{"sources": [{"id": "ID", "kind": "feed", "url": "URL", "allowPrivateNetwork": true}]}""";
        var config = Folder.ConfigWithSources(Sources.Replace("ID", "arxiv-old").Replace("URL", Server.Url("feed.xml").ToString()));
        var db = Folder.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        File.WriteAllText(Path.Combine(config, "sources.json"), Sources.Replace("ID", "arxiv-new").Replace("URL", Server.Url("feed.xml").ToString()));
        // The poll's pooled connections closed now: the last one to close checkpoints the log and removes it, which would
        // otherwise happen whenever the pool lets them go, maybe between the two looks.
        SqlitePools.Clear(db);
        var files = DatabaseFiles(db);

        var validate = await CliRunner.RunAsync("validate", "--config", config, "--db", db);

        Assert.Equal(0, validate.ExitCode);   // what the database holds: said, but not a config problem (a removed source's entries stay for good)
        Assert.Contains("config OK", validate.Out);
        var warning = Assert.Single(Lines(validate.Error));
        Assert.StartsWith("warning: the database holds entries of source id(s) sources.json does not have: 'arxiv-old' (2 entries); "
            + "if a source was renamed, give it its old id back in sources.json", warning);
        // Opened read-only: the file is as it was, and what SQLite keeps beside it holds nothing (it may make an empty log).
        Assert.Equal(files, DatabaseFiles(db).Where(f => !f.StartsWith("r.db-wal 0 ", StringComparison.Ordinal) && !f.StartsWith("r.db-shm ", StringComparison.Ordinal)));

        Daemon.Prepare(config);
        await using var daemon = Daemon.Start(config, db);
        Assert.Contains("'arxiv-old' (2 entries)", await daemon.WaitForAsync(4114, "source id(s) sources.json does not have"));
    }

    [Fact]
    public async Task Validate_EverySourceIdOfTheDatabaseInSourcesJson_SaysNothingOfIt()
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var config = Folder.ConfigWithSources($$"""
            {"sources": [{"id": "a", "kind": "feed", "url": "{{Server.Url("feed.xml")}}", "allowPrivateNetwork": true, "enabled": false}]}
            """);
        var db = Folder.File("r.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--source", "a", "--config", config, "--db", db)).ExitCode);

        var validate = await CliRunner.RunAsync("validate", "--config", config, "--db", db);

        Assert.Equal(0, validate.ExitCode);
        Assert.Empty(validate.Error);   // a disabled source is still in sources.json
    }

    // Name, size and time of last write of the SQLite file and of what SQLite keeps beside it (-wal, -shm, -journal).
    private static string[] DatabaseFiles(string db) => Directory.GetFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*").Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}").ToArray();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
