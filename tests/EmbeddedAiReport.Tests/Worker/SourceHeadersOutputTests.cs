using System.Text.Json.Nodes;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// README, sources.json <c>headers</c>/<c>headersEnv</c>: the values are credentials, so no command output, log line
/// (Trace included), <c>/sources</c>, <c>/healthz</c> or <c>/metrics</c> shows them, while the source's host still gets them.
/// </summary>
public sealed class SourceHeadersOutputTests : LoopbackTest
{
    private readonly string _env = "EAIR_TEST_HEADER_SECRET_" + Guid.NewGuid().ToString("N");
    private readonly string _token = "Bearer tok-" + Guid.NewGuid().ToString("N");
    private readonly string _cookie = "sid=ck-" + Guid.NewGuid().ToString("N");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Environment.SetEnvironmentVariable(_env, _token);
        // The private feed refuses the request, so its error travels through every output there is.
        Server.Map("private.xml", context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
    }

    public override async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_env, null);
        await base.DisposeAsync();
    }

    private string Config() => Folder.ConfigWithSources($$$"""
        {"sources": [{"id": "private", "kind": "feed", "url": "{{{Server.Url("private.xml")}}}", "allowPrivateNetwork": true,
          "headers": {"Cookie": "{{{_cookie}}}"}, "headersEnv": {"Authorization": "{{{_env}}}"}}]}
        """);

    private void AssertNoSecret(string output, string where)
    {
        Assert.False(output.Contains(_token, StringComparison.Ordinal) || output.Contains(_token[7..], StringComparison.Ordinal), $"{where} shows the token:\n{output}");
        Assert.False(output.Contains(_cookie, StringComparison.Ordinal), $"{where} shows the cookie:\n{output}");
    }

    private void AssertTheHostGotThem()
    {
        Assert.NotEmpty(Server.Requests);
        Assert.All(Server.Requests, r => Assert.Equal((_token, _cookie), (r.Headers["Authorization"], r.Headers["Cookie"])));
    }

    [Fact]
    public async Task Poll_HeadersEnvVariableEmpty_FailsNamingItWithoutAskingTheSource()
    {
        // README: a headersEnv variable that is not set, or empty, is never sent as an empty header: the source's poll
        // fails naming the variable, without asking the source. An empty variable only a process of its own can have.
        var config = Config();

        var result = await CliRunner.RunChildAsync(new Dictionary<string, string> { [_env] = "" }, "poll", "--all", "--config", config, "--db", Folder.File("report.db"));

        Assert.Contains($"headersEnv: 'Authorization': environment variable {_env} is not set (or is empty)", result.Out + result.Error);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task ValidatePollAndSources_NeverPrintTheHeaderValues()
    {
        var config = Config();
        var db = Folder.File("report.db");

        var validate = await CliRunner.RunAsync("validate", "--config", config);
        var poll = await CliRunner.RunAsync("poll", "--all", "--config", config, "--db", db);
        var sources = await CliRunner.RunAsync("sources", "--config", config, "--db", db);

        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("401", poll.Out + poll.Error);
        Assert.Contains("401", sources.Out);
        foreach (var (name, result) in new[] { ("validate", validate), ("poll", poll), ("sources", sources) })
            AssertNoSecret(result.Out + result.Error, name);
        AssertTheHostGotThem();
    }

    [Fact]
    public async Task Validate_VariableWithALineBreak_NamesTheVariableNotItsValue()
    {
        Environment.SetEnvironmentVariable(_env, _token + "\r\nX-Injected: 1");

        var result = await CliRunner.RunAsync("validate", "--config", Config());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"sources.json: source 'private': headersEnv: 'Authorization': the value of environment variable {_env} has a line break (CR or LF)", result.Error);
        AssertNoSecret(result.Out + result.Error, "validate");
    }

    [Fact]
    public async Task Daemon_LogsAtTraceSourcesHealthzAndMetrics_NeverShowTheHeaderValues()
    {
        var config = Config();
        // Every category of ours at Trace. (HttpClient's own request logs, which list headers, stay at Warning whatever the
        // config says, WorkerHost.ConfigureLogging; and .NET redacts their header values by default since .NET 9.)
        Daemon.Prepare(config, json => json["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Trace" } });
        await using var daemon = Daemon.Start(config, Folder.File("report.db"), new FakeTimeProvider(new DateTimeOffset(2020, 11, 20, 2, 0, 0, TimeSpan.Zero)));
        await daemon.WaitForAsync(2003, "private");
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };

        var sources = await http.GetStringAsync("sources");
        var healthz = await (await http.GetAsync("healthz")).Content.ReadAsStringAsync();
        var metrics = await http.GetStringAsync("metrics");

        Assert.Contains("401", sources);
        AssertNoSecret(sources, "/sources");
        AssertNoSecret(healthz, "/healthz");
        AssertNoSecret(metrics, "/metrics");
        AssertNoSecret(daemon.Logs.Dump(), "the log");
        AssertTheHostGotThem();
    }
}
