using System.Text.Json.Nodes;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The command line with an arXiv feed and a fake chat-completions endpoint on loopback: poll → summarize/export shows the
/// endpoint's Chinese 摘要; without Summaries:Endpoint the draft is byte-identical to one made before any summary existed.
/// </summary>
public sealed class SummariesEndToEndTests : LoopbackTest
{
    private const string Chinese = "作者提出了 TinyQuant，一种面向移动端 NPU 的视觉 Transformer 训练后量化方法，用逐通道的离群值预算把权重和激活都保持在 4 比特。"
        + "在骁龙 8 Gen 2 上，量化后的 DeiT-S 比 FP16 快 3.1 倍，top-1 精度只下降 0.8%。";
    private FakeChatServer _chat = null!;
    private string _config = "";
    private string _db = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _chat = await FakeChatServer.StartAsync();
        Server.MapFixture("rss/cs.LG", "arxiv-rss/handwritten_cs.LG_2024-02-23.xml", "application/rss+xml");
        _config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources($$"""
            {"sources": [{"id": "arxiv-cs-lg", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "allowPrivateNetwork": true}]}
            """));
        _db = Folder.File("report.db");
        // The paper the fake knows gets a Chinese 摘要; every other prompt an English one, which the checks refuse.
        _chat.AnswerFor("TinyQuant: 4-bit Post-Training Quantization", FakeReply.Answer(Chinese));
    }

    public override async Task DisposeAsync()
    {
        await _chat.DisposeAsync();
        await base.DisposeAsync();
    }

    private Task<CliResult> Cli(params string[] args) => CliRunner.RunAsync([.. args, "--config", _config, "--db", _db]);

    private void Summaries(string endpoint, string model = "fake-model")
    {
        var path = Path.Combine(_config, "appsettings.json");
        var settings = JsonNode.Parse(File.ReadAllText(path))!;
        settings["Summaries"]!["Endpoint"] = endpoint;
        settings["Summaries"]!["Model"] = model;   // kept when the endpoint goes: the endpoint alone turns summaries off
        File.WriteAllText(path, settings.ToJsonString());
    }

    [Fact]
    public async Task PollSummarizeExport_EnglishArxivPaper_ShowsTheEndpointsChineseSummary_AndWithoutTheSettingNothingChanges()
    {
        var poll = await Cli("poll");
        var before = await Cli("export", "--week", "2024-W08");
        Summaries(_chat.Endpoint);
        var summarize = await Cli("summarize", "--week", "2024-W08");
        var on = await Cli("export", "--week", "2024-W08");
        var explain = await Cli("entries", "--week", "2024-W08", "--explain");
        var sources = await Cli("sources");
        Summaries("");
        var off = await Cli("export", "--week", "2024-W08");

        Assert.Equal((0, 0, 0, 0), (poll.ExitCode, before.ExitCode, summarize.ExitCode, on.ExitCode));
        Assert.Contains("accepted", summarize.Out);
        Assert.Contains($"链接：https://arxiv.org/abs/2402.14702v1  \n项目：https://github.com/example-lab/tinyquant  \n摘要：{Chinese}  \n", on.Out);
        Assert.DoesNotContain(Chinese, before.Out);
        Assert.Equal(before.Out, off.Out);   // byte for byte
        Assert.Contains("summary: written by fake-model", explain.Out);
        Assert.Contains("summary: the source text (the answer of fake-model was refused: not Chinese", explain.Out);
        Assert.Matches(@"\(summaries\)\s+fake-model\s+ok ", sources.Out);
        Assert.DoesNotContain("(summaries)", (await Cli("sources")).Out);
    }

    // README (sources): the (summaries) line's model fits its 16-character column, a longer name cut with "…", and its note
    // is cut at 160 characters as a source's is; before any call the note names the model (mutation audit 19).
    [Fact]
    public async Task Sources_LongModelName_IsCutToItsColumnAndTheLineToItsNote160Characters()
    {
        var model = "qwen2.5-7b-instruct-" + string.Concat(Enumerable.Range(1, 20).Select(i => $"part{i:00}-"));   // 160 characters
        Summaries(_chat.Endpoint, model);
        await Cli("poll");
        var cut = Line((await Cli("sources")).Out);
        Summaries(_chat.Endpoint, "qwen2.5-7b-q4_km");   // 16 characters: its column, whole
        var whole = Line((await Cli("sources")).Out);

        var note = $"{model} at {new Uri(_chat.Endpoint).Authority}: no call yet";
        Assert.StartsWith("(summaries)                  qwen2.5-7b-inst… never   ", cut);
        Assert.EndsWith(" " + note[..160] + "…", cut);
        Assert.StartsWith("(summaries)                  qwen2.5-7b-q4_km never   ", whole);
    }

    private static string Line(string sources) => Assert.Single(sources.Split('\n'), l => l.StartsWith("(summaries)", StringComparison.Ordinal));

    [Fact]
    public async Task ExportWithSummaries_FillsMissingOnes_ThenUsesWhatIsStored()
    {
        Summaries(_chat.Endpoint);
        await Cli("poll");

        var plain = await Cli("export", "--week", "2024-W08");
        var afterPlain = _chat.Requests.Count;
        var first = await Cli("export", "--week", "2024-W08", "--summaries");
        var calls = _chat.Requests.Count;
        var second = await Cli("export", "--week", "2024-W08", "--summaries");

        Assert.DoesNotContain(Chinese, plain.Out);
        Assert.Equal(0, afterPlain);   // a plain export never calls the model
        Assert.Contains($"摘要：{Chinese}  \n", first.Out);
        Assert.Equal(first.Out, second.Out);
        Assert.Equal(calls, _chat.Requests.Count);   // the second export asked nothing: every answer was stored
        Assert.Contains("summaries: 0 calls", second.Error);
        Assert.Equal(3, calls);   // the draft's three papers (the feed's new and cross announcements), each asked once
    }

    // README (Summaries): a prompt beyond the server's context is that entry's own failure; the others are still asked, and
    // export --summaries, which prints no line per entry, says on its totals line why that entry kept the source text.
    [Fact]
    public async Task ExportWithSummaries_PromptBeyondTheServersContext_TheTotalsLineSaysWhy()
    {
        Summaries(_chat.Endpoint);
        await Cli("poll");
        _chat.AnswerFor("TinyQuant: 4-bit Post-Training Quantization", FakeReply.Raw(400,
            "{\"error\":{\"code\":400,\"message\":\"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":4390,\"n_ctx\":4096}}"));

        var export = await Cli("export", "--week", "2024-W08", "--summaries");

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(3, _chat.Requests.Count);   // the other two papers are still asked
        Assert.Contains("summaries: 3 calls, 0 accepted, 2 refused, 0 stored before, 1 left with the source text; HTTP 400 from the endpoint: request (4390 tokens) "
            + "exceeds the available context size (4096 tokens), try increasing it (this entry's prompt is too long for the server: lower Summaries:MaxInputChars (2000) "
            + "or give the server a larger context (llama-server -c))", export.Error);
    }

    [Fact]
    public async Task Summarize_SummariesOff_SaysHowToTurnThemOn_Exits2()
    {
        File.WriteAllBytes(_db, []);   // an empty SQLite database: summarize refuses a missing one first
        var result = await Cli("summarize", "--week", "2024-W08");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("summaries are off: set Summaries:Endpoint", result.Error);
    }

    [Fact]
    public async Task Validate_EndpointWithoutModel_OrATimeoutBeyondFetchingTotalTimeout_IsAConfigProblemNamingTheField()
    {
        Summaries(_chat.Endpoint);
        var path = Path.Combine(_config, "appsettings.json");
        var settings = JsonNode.Parse(File.ReadAllText(path))!;
        settings["Summaries"]!["Model"] = "";
        File.WriteAllText(path, settings.ToJsonString());
        var noModel = await Cli("validate");
        settings["Summaries"]!["Model"] = "fake-model";
        settings["Summaries"]!["Timeout"] = "00:10:00";
        File.WriteAllText(path, settings.ToJsonString());
        var longTimeout = await Cli("validate");

        Assert.Equal((2, 2), (noModel.ExitCode, longTimeout.ExitCode));
        Assert.Contains("appsettings.json: Summaries:Model: required when Summaries:Endpoint is set", noModel.Error + noModel.Out);
        Assert.Contains("appsettings.json: Summaries:Timeout: must be at most Fetching:TotalTimeout (3m), got 10m", longTimeout.Error + longTimeout.Out);
    }

    [Fact]
    public async Task Validate_PromptFailingWhileRendering_IsAConfigProblemNamingThePromptAndSummarizeRefusesIt()
    {
        // It parses and reads only what prompts are given, but no prompt renders: every summary call would fail.
        Assert.Equal(0, (await Cli("poll")).ExitCode);
        Summaries(_chat.Endpoint);
        var prompt = Path.Combine(_config, "templates", "summary.liquid");
        File.WriteAllText(prompt, File.ReadAllText(prompt) + "\n{{ text.size | modulo: 0 }}\n");

        var validate = await Cli("validate");
        var summarize = await Cli("summarize", "--week", "2024-W08");

        Assert.Equal((2, 2), (validate.ExitCode, summarize.ExitCode));
        Assert.StartsWith("templates/summary.liquid: rendering failed: Attempted to divide by zero.", validate.Error);
        Assert.StartsWith("templates/summary.liquid: rendering failed: Attempted to divide by zero.", summarize.Error);
        Assert.Empty(_chat.Requests);
    }

    [Fact]
    public async Task Healthz_SummarizerFailing_SaysSoInItsDetailAndStaysHealthy()
    {
        Assert.Equal(0, (await Cli("poll")).ExitCode);
        Summaries("http://127.0.0.1:1/v1/");   // nothing listens on port 1
        var summarize = await Cli("summarize", "--week", "2024-W08");
        Daemon.Prepare(_config);
        await using var daemon = Daemon.Start(_config, _db);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };

        var response = await http.GetAsync("healthz");

        Assert.Equal(1, summarize.ExitCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        var summaries = body.RootElement.GetProperty("summaries");
        Assert.Equal("failing", summaries.GetProperty("state").GetString());
        Assert.Equal(1, summaries.GetProperty("consecutiveFailures").GetInt32());
        Assert.Contains("could not connect", summaries.GetProperty("note").GetString());
    }
}
