using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static EmbeddedAiReport.Tests.Support.EntrySeeder;

namespace EmbeddedAiReport.Tests.Summaries;

/// <summary>The summarizer against a loopback fake of the chat-completions API: what the draft shows, the cache, failures, the editor's text.</summary>
public sealed class EntrySummarizerTests : IAsyncLifetime
{
    // The paper of Fixtures/arxiv-rss/handwritten_cs.LG_2024-02-23.xml (an invented abstract written for the tests).
    private const string PaperTitle = "TinyQuant: 4-bit Post-Training Quantization for On-Device Vision Transformers";
    private const string Abstract = "Vision transformers are hard to deploy on mobile NPUs because their activations have outliers that break low-bit "
        + "quantization. We present TinyQuant, a post-training quantization method that keeps weights and activations in 4 bits with a per-channel "
        + "outlier budget. On a Snapdragon 8 Gen 2 the quantized DeiT-S runs 3.1x faster than FP16 with 0.8% top-1 loss.";
    // Every number in it (4, 8, 2, 16, 3.1, 1, 0.8) is in the title or the abstract.
    private const string Chinese = "作者提出了 TinyQuant，一种面向移动端 NPU 的视觉 Transformer 训练后量化方法，用逐通道的离群值预算把权重和激活都保持在 4 比特。"
        + "在骁龙 8 Gen 2 上，量化后的 DeiT-S 比 FP16 快 3.1 倍，top-1 精度只下降 0.8%。";
    private const string PostTitle = "高通发布骁龙875";
    private const string PostSummary = "骁龙875采用台积电5nm工艺，AI算力提升。";
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Tuesday = new(2020, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));   // 2020-W48
    private static readonly DraftWindow Week = DraftWindow.Of(new EditorialWeek(2020, 48), Shanghai);

    private readonly CapturingLoggerProvider _logs = new();
    private FakeChatServer _chat = null!;
    private TestServices? _services;

    public async Task InitializeAsync() => _chat = await FakeChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        _services?.Dispose();
        await _chat.DisposeAsync();
    }

    private static SummaryPrompt Prompt { get; } = new(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "summary.liquid")), "summary.liquid");

    private static DraftRenderer Renderer { get; } = new(File.ReadAllText(Path.Combine(Fixtures.ConfigDirectory, "templates", "draft.md.liquid")));

    private SummariesOptions On(Action<SummariesOptions>? change = null)
    {
        var options = new SummariesOptions { Endpoint = _chat.Endpoint, Model = "fake-model", Timeout = TimeSpan.FromSeconds(30) };
        change?.Invoke(options);
        return options;
    }

    private async Task<TestServices> StartAsync(SummariesOptions? summaries = null, FetchingOptions? fetching = null)
    {
        _services = new TestServices(fetching: fetching, configure: services =>
        {
            services.AddSingleton(Options.Create(summaries ?? On()));
            services.AddSingleton(Prompt);
            services.AddSingleton<ILoggerProvider>(_logs);
        });
        await SeedAsync(_services, "s",
            Entry("arxiv:2402.14702", PaperTitle, "papers", Tuesday, score: 5, summary: Abstract, prefix: "2402.14702v1", url: "https://arxiv.org/abs/2402.14702v1"),
            Entry("url:example.com/a", PostTitle, "news", Tuesday, score: 3, account: "芯东西", summary: PostSummary));
        return _services;
    }

    private Task<SummaryRun> SummarizeAsync(TimeSpan? budget = null) => _services!.Get<EntrySummarizer>().SummarizeAsync(Week, budget, CancellationToken.None);

    private async Task<string> DraftAsync() => Renderer.Render(await _services!.Get<DraftExporter>().BuildAsync(Week, CancellationToken.None));

    private async Task<long> IdAsync(string key) =>
        (await _services!.Get<EntryStore>().ListWindowAsync(Week.FromUtc, Week.ToUtc, CancellationToken.None)).Single(e => e.CanonicalKey == key).Id;

    private async Task<string> ExplainAsync(string key)
    {
        var id = await IdAsync(key);
        return (await _services!.Get<DraftSummaries>().DescribeAsync([id], CancellationToken.None))[id];
    }

    private int Warnings => _logs.Lines.Count(l => l.EventId == 7002);

    [Fact]
    public async Task Summarize_ChineseAnswerThatPassesTheChecks_DraftShowsIt_AndChinesePostsAreNotAsked()
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer("摘要：" + Chinese + "\n"));

        var run = await SummarizeAsync();
        var draft = await DraftAsync();

        Assert.Equal(1, run.Calls);
        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Equal(SummaryOutcome.AlreadyChinese, run.Items.Single(i => i.Source.Title == PostTitle).Outcome);
        Assert.Contains($"链接：https://arxiv.org/abs/2402.14702v1  \n摘要：{Chinese}  \n", draft);
        Assert.Contains($"摘要：{PostSummary}  \n", draft);
        Assert.DoesNotContain("Vision transformers are hard", draft);
        var request = Assert.Single(_chat.Requests);
        Assert.Equal("fake-model", request.Model);
        Assert.Contains($"标题：{PaperTitle}\n编号：2402.14702v1\n原文：{Abstract}", request.Prompt);
        Assert.Equal("written by fake-model", await ExplainAsync("arxiv:2402.14702"));
        Assert.Equal(0, Warnings);
    }

    [Fact]
    public async Task Summarize_SecondRun_UsesTheStoredAnswerWithoutACall_UntilTheSourceTextChanges()
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(Chinese));

        await SummarizeAsync();
        var second = await SummarizeAsync();
        await SeedAsync(_services!, "s", Entry("arxiv:2402.14702", PaperTitle, "papers", Tuesday, score: 5, summary: Abstract + " Code is released.",
            prefix: "2402.14702v2", url: "https://arxiv.org/abs/2402.14702v2"));
        var third = await SummarizeAsync();

        Assert.Equal(0, second.Calls);
        Assert.Equal(SummaryOutcome.Cached, second.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Equal(1, third.Calls);
        Assert.Equal(2, _chat.Requests.Count);
        Assert.Contains($"摘要：{Chinese}  \n", await DraftAsync());
    }

    [Theory]
    [InlineData("作者提出了 TinyQuant，把权重和激活都保持在 4 比特，在骁龙 8 Gen 2 上比 FP16 快 45 倍，精度损失只有 0.8%。", "numbers not in the source: 45")]
    [InlineData("TinyQuant keeps weights and activations in 4 bits and runs 3.1x faster than FP16 on a Snapdragon 8 Gen 2.", "not Chinese (Chinese share 0.00 < 0.30)")]
    [InlineData("作者提出了 TinyQuant，详见[论文](https://arxiv.org/abs/2402.14702)。它把权重和激活都保持在 4 比特，速度很快。", "contains a link (links and markdown are not allowed in a 摘要)")]
    [InlineData("   ", "empty answer")]
    [InlineData("作者提出了 TinyQuant，一種面向移動端 NPU 的視覺 Transformer 訓練後量化方法，用逐通道的離群值預算把權重和激活都保持在 4 比特。",
        "not Simplified Chinese (Traditional characters: 種動視覺訓)")]
    public async Task Summarize_AnswerThatFailsACheck_KeepsTheSourceText_AndExplainSaysWhy(string answer, string reason)
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(answer));

        var run = await SummarizeAsync();
        var draft = await DraftAsync();

        var item = run.Items.Single(i => i.Source.Title == PaperTitle);
        Assert.Equal(SummaryOutcome.Refused, item.Outcome);
        Assert.Equal(reason, item.Detail);
        Assert.Contains($"摘要：{Abstract}  \n", draft);
        Assert.Equal($"the source text (the answer of fake-model was refused: {reason})", await ExplainAsync("arxiv:2402.14702"));
        Assert.Equal(0, (await SummarizeAsync()).Calls);   // a refused answer is stored too: the same input is not asked again
    }

    // How reasoning models answer through OpenAI-compatible servers (Qwen3's and DeepSeek-R1's chat templates; Qwen's
    // quickstart parses the thinking off at the last </think>): the block first, only its closing tag when the template opened
    // it, an empty block with thinking turned off. The thinking here invents a number (45) and alone exceeds MaxLength.
    [Theory]
    [InlineData("<think>\n好的，用户让我为这篇论文写一段中文摘要。原文说在骁龙 8 Gen 2 上比 FP16 快 3.1 倍，我不能写成 45 倍。{0}\n</think>\n\n{1}")]
    [InlineData("好的，我需要把这段英文摘要翻译成中文，保留所有数字。{0}\n</think>\n\n摘要：{1}")]
    [InlineData("<think>\n\n</think>\n\n{1}")]
    public async Task Summarize_ReasoningModelsThinkingBeforeTheAnswer_IsNotTheAnswer(string shape)
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, new string('想', 400), Chinese)));

        var run = await SummarizeAsync();

        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Contains($"摘要：{Chinese}  \n", await DraftAsync());
    }

    // What a small model writes despite "不要标题……不要列表，不要 markdown": the title in bold first, the 摘要 as a bullet.
    [Fact]
    public async Task Summarize_AnswerWithTheTitleAndMarkdown_StoresThe摘要Alone()
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer($"**{PaperTitle}**\n\n- {Chinese}"));

        var run = await SummarizeAsync();

        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Contains($"链接：https://arxiv.org/abs/2402.14702v1  \n摘要：{Chinese}  \n", await DraftAsync());
    }

    [Theory]
    [InlineData("<think>\n好的，用户让我为这篇论文写一段中文摘要。首先，TinyQuant 是一种训练后量化方法",
        "only the model's reasoning: its <think> block did not end within MaxOutputTokens (400); raise Summaries:MaxOutputTokens or turn the model's thinking off")]
    [InlineData("",
        "no answer within MaxOutputTokens (400): a reasoning model may have spent them thinking; raise Summaries:MaxOutputTokens or turn its thinking off")]
    [InlineData("作者提出了 TinyQuant，一种面向移动端 NPU 的视觉 Transformer 训练后量化方法，用逐通道的",
        "unfinished: cut at MaxOutputTokens (400); raise Summaries:MaxOutputTokens")]
    public async Task Summarize_AnswerCutAtTheTokenLimit_KeepsTheSourceText_AndSaysWhatToRaise(string answer, string reason)
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Cut(answer));

        var run = await SummarizeAsync();

        var item = run.Items.Single(i => i.Source.Title == PaperTitle);
        Assert.Equal((SummaryOutcome.Refused, reason), (item.Outcome, item.Detail));
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
        Assert.Equal($"the source text (the answer of fake-model was refused: {reason})", await ExplainAsync("arxiv:2402.14702"));
    }

    [Fact]
    public async Task Summarize_RefusalStoredByAnEarlierBuild_IsCheckedAgainWithoutACall_AndPassesNow()
    {
        // A build before the <think> handling refused a reasoning model's answer as too long and stored it as it read it
        // (normalized, the block included): the next run passes the stored answer without asking the model again.
        await StartAsync();
        var id = await IdAsync("arxiv:2402.14702");
        var (source, _) = (await _services!.Get<SummaryStore>().SourcesAsync([id], CancellationToken.None)).Single();
        var (model, prompt) = _services.Get<DraftSummaries>().Key;
        var stored = SummaryCheck.Normalize("<think>\n" + new string('想', 400) + "\n</think>\n\n" + Chinese);
        await _services.Get<SummaryStore>().SaveAsync(source, model, prompt, stored, null, $"too long ({stored.Length} characters > 400)", CancellationToken.None);

        var run = await SummarizeAsync();

        Assert.Equal(0, run.Calls);
        Assert.Empty(_chat.Requests);
        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Contains($"摘要：{Chinese}  \n", await DraftAsync());
        Assert.Equal("written by fake-model", await ExplainAsync("arxiv:2402.14702"));
    }

    [Fact]
    public async Task Summarize_AnswerRefusedAsCut_StaysRefusedAtTheNextRun_WithoutACall()
    {
        // The text alone would pass the checks; only the server's finish reason (not stored) said it was cut.
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Cut(Chinese));
        await SummarizeAsync();

        var second = await SummarizeAsync();

        Assert.Equal(0, second.Calls);
        Assert.Equal(SummaryOutcome.Cached, second.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
    }

    [Fact]
    public async Task Summarize_MalformedBody_KeepsTheSourceText_OneWarning_HealthFailing()
    {
        await StartAsync();
        _chat.Reply = _ => FakeReply.Malformed;

        var run = await SummarizeAsync();

        Assert.StartsWith("malformed answer:", run.Error);
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
        Assert.Equal(1, Warnings);
        var health = await _services!.Get<SummarizerHealth>().GetAsync(CancellationToken.None);
        Assert.Equal(("failing", 1), (health.State, health.ConsecutiveFailures));
        Assert.StartsWith("malformed answer:", health.Note);
    }

    // Error bodies as the servers send them: Ollama's OpenAI-compatible API (a model never pulled), vLLM (a model it does not
    // serve), OpenAI (a wrong key, which it echoes masked), a plain-text 404.
    [Theory]
    [InlineData(404, "{\"error\":{\"message\":\"model \\\"qwen2.5:7b-instruct\\\" not found, try pulling it first\",\"type\":\"api_error\",\"param\":null,\"code\":null}}",
        "HTTP 404 from the endpoint: model \"qwen2.5:7b-instruct\" not found, try pulling it first (check Summaries:Model and Summaries:Endpoint)")]
    [InlineData(404, "{\"object\":\"error\",\"message\":\"The model `qwen` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
        "HTTP 404 from the endpoint: The model `qwen` does not exist. (check Summaries:Model and Summaries:Endpoint)")]
    [InlineData(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-AbCd1234EfGh5678. You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}",
        "HTTP 401 from the endpoint: Incorrect API key provided: sk-…. You can find your API key at https://platform.openai.com/account/api-keys. (the server wants an API key: set Summaries:ApiKeyEnv to the name of the variable that holds it)")]
    [InlineData(404, "404 page not found", "HTTP 404 from the endpoint: 404 page not found (check Summaries:Model and Summaries:Endpoint)")]
    // nginx's own page (src/http/ngx_http_special_response.c) when the server behind it is down: its title, not the page.
    [InlineData(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n",
        "HTTP 502 from the endpoint: 502 Bad Gateway")]
    public async Task Summarize_ServerErrorBody_ItsMessageReachesTheRunHealthAndLog(int status, string body, string expected)
    {
        await StartAsync();
        _chat.Reply = _ => FakeReply.Raw(status, body, body.StartsWith('{') ? "application/json" : body.StartsWith('<') ? "text/html" : "text/plain; charset=utf-8");

        var run = await SummarizeAsync();
        var health = await _services!.Get<SummarizerHealth>().GetAsync(CancellationToken.None);

        Assert.Equal(expected, run.Error);
        Assert.Equal(("failing", expected), (health.State, health.Note));
        Assert.Contains(_logs.Lines, l => l.EventId == 7002 && l.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
    }

    // llama-server's answer to a prompt beyond its -c context: a 400 in current builds, a 500 in the builds of
    // ggml-org/llama.cpp#15780 (its body as that pull request shows it); vLLM's engine check (a 400 naming no context) and
    // text-generation-inference's validation (a 422; EndpointMessageTests names their sources). Asking again cannot help, so
    // it is not retried (the retries are on here); the same prompt fails every time, so only that entry fails and the next
    // one is still asked.
    [Theory]
    [InlineData(400, "{\"error\":{\"code\":400,\"message\":\"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":4390,\"n_ctx\":4096}}",
        "HTTP 400 from the endpoint: request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", "llama-server -c")]
    [InlineData(500, "{\"error\":{\"code\":500,\"message\":\"the request exceeds the available context size. try increasing the context size or enable context shift\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":1407,\"n_ctx\":256}}",
        "HTTP 500 from the endpoint: the request exceeds the available context size. try increasing the context size or enable context shift", "llama-server -c")]
    [InlineData(400, "{\"error\":{\"message\":\"The decoder prompt (length 4390) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
        "HTTP 400 from the endpoint: The decoder prompt (length 4390) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.", "vLLM --max-model-len")]
    [InlineData(422, "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4390 `inputs` tokens and 400 `max_new_tokens`\",\"error_type\":\"validation\"}",
        "HTTP 422 from the endpoint: Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4390 `inputs` tokens and 400 `max_new_tokens`",
        "text-generation-inference --max-input-tokens and --max-total-tokens")]
    // LM Studio 0.4.21 sends its refusal as a 200 (lmstudio-bug-tracker#2322, the body as captured there).
    [InlineData(200, "{\"error\":{\"message\":\"Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.\"},\"message\":\"Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.\"}",
        "an error answered with HTTP 200 by the endpoint: Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.",
        "LM Studio's Context Length: lms load --context-length")]
    public async Task Summarize_PromptBeyondTheServersContext_FailsThatEntryAtOnce_AndTheNextIsAsked(int status, string body, string said, string setting)
    {
        // The Chinese post (asked with IncludeChinese) comes first in draft order: its prompt is the one beyond the context.
        var fetching = new FetchingOptions { HostDelays = [], Retries = 2, RetryBaseDelay = TimeSpan.FromSeconds(1), CircuitBreakerFailures = 1000, TotalTimeout = TimeSpan.FromDays(1) };
        await StartAsync(On(o => (o.IncludeChinese, o.Timeout) = (true, TimeSpan.FromHours(1))), fetching);
        _chat.AnswerFor(PostTitle, FakeReply.Raw(status, body), FakeReply.Answer(Chinese));

        var run = await ClockDriver.RunAsync(_services!.Clock, SummarizeAsync(), TimeSpan.FromSeconds(1));
        var health = await _services.Get<SummarizerHealth>().GetAsync(CancellationToken.None);

        var expected = said + " (this entry's prompt is too long for the server: lower Summaries:MaxInputChars (2000) or give the server a larger context (" + setting + "))";
        Assert.Equal([PostTitle, PaperTitle], run.Items.Select(i => i.Source.Title));
        Assert.Equal((SummaryOutcome.Failed, expected), (run.Items[0].Outcome, run.Items[0].Detail));
        Assert.Single(_chat.Requests, r => r.Prompt.Contains(PostTitle, StringComparison.Ordinal));
        Assert.Equal(SummaryOutcome.Accepted, run.Items[1].Outcome);
        Assert.Null(run.Error);
        // The endpoint answered every call: the summarizer is not failing (as a feed reader marks a feed failing for its own
        // fetch, not for one entry); the entry's failure is its own warning.
        Assert.Equal(("ok", 0), (health.State, health.ConsecutiveFailures));
        Assert.EndsWith(": 2 calls, 1 accepted, 0 refused, 1 without an answer", health.Note);
        Assert.Contains(_logs.Lines, l => l.EventId == 7004 && l.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(0, Warnings);
        var draft = await DraftAsync();
        Assert.Contains($"摘要：{PostSummary}  \n", draft);
        Assert.Contains($"摘要：{Chinese}  \n", draft);
    }

    [Fact]
    public async Task Summarize_EntryBeyondTheContextThenAFailingEndpoint_HealthNamesWhyCallsStopped()
    {
        await StartAsync(On(o => o.IncludeChinese = true));
        var overflow = "{\"error\":{\"code\":400,\"message\":\"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":4390,\"n_ctx\":4096}}";
        _chat.AnswerFor(PostTitle, FakeReply.Raw(400, overflow));
        _chat.AnswerFor(PaperTitle, FakeReply.Raw(404, "404 page not found", "text/plain; charset=utf-8"));

        var run = await SummarizeAsync();
        var health = await _services!.Get<SummarizerHealth>().GetAsync(CancellationToken.None);

        const string stopped = "HTTP 404 from the endpoint: 404 page not found (check Summaries:Model and Summaries:Endpoint)";
        Assert.Equal(stopped, run.Error);
        Assert.Equal(("failing", stopped, 1), (health.State, health.Note, health.ConsecutiveFailures));
    }

    // Ollama cuts a prompt beyond its context silently (no error to show), so the prompt must stay bounded: a source text
    // longer than Summaries:MaxInputChars is cut, at a sentence end, before it is sent.
    [Fact]
    public async Task Summarize_SourceTextLongerThanMaxInputChars_IsCutBeforeItIsSent()
    {
        await StartAsync(On(o => o.MaxInputChars = 500));
        var longText = string.Join(" ", Enumerable.Repeat(Abstract, 8));   // 8 abstracts, about 3,000 characters
        await SeedAsync(_services!, "s", Entry("arxiv:2402.14702", PaperTitle, "papers", Tuesday, score: 5, summary: longText, prefix: "2402.14702v1"));
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(Chinese));

        await SummarizeAsync();

        var sent = Assert.Single(_chat.Requests).Prompt;
        var text = sent[(sent.IndexOf("原文：", StringComparison.Ordinal) + 3)..].TrimEnd('\n');
        Assert.InRange(text.Length, 250, 500);
        Assert.StartsWith(Abstract, text);
        Assert.EndsWith(".", text);
    }

    [Fact]
    public async Task Summarize_ServerErrorBody_IsBoundedToOneLine()
    {
        await StartAsync();
        var longMessage = "bad request:\n" + string.Concat(Enumerable.Repeat("the prompt is far too long for this model ", 40));
        _chat.Reply = _ => FakeReply.Raw(400, System.Text.Json.JsonSerializer.Serialize(new { error = longMessage }));

        var run = await SummarizeAsync();

        Assert.StartsWith("HTTP 400 from the endpoint: bad request: the prompt is far too long", run.Error);
        Assert.DoesNotContain("\n", run.Error);
        Assert.True(run.Error!.Length < 400, run.Error);
    }

    // Summaries:Endpoint is the base URL the client appends /chat/completions to; the full address copied from a server's
    // docs is accepted as that base, and an address without the /v1 that Ollama, vLLM, LM Studio and OpenAI need says so.
    [Theory]
    [InlineData("v1/chat/completions")]
    [InlineData("v1/chat/completions/")]
    [InlineData("v1")]
    public async Task Summarize_EndpointWithOrWithoutTheChatCompletionsPath_ReachesTheServer(string path)
    {
        await StartAsync(On(o => o.Endpoint = _chat.Endpoint.Replace("v1/", path, StringComparison.Ordinal)));
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(Chinese));

        var run = await SummarizeAsync();

        Assert.Null(run.Error);
        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
    }

    [Fact]
    public async Task Summarize_EndpointWithoutAPath_A404SaysTheAPIIsUsuallyUnderV1()
    {
        var root = new Uri(_chat.Endpoint).GetLeftPart(UriPartial.Authority);
        await StartAsync(On(o => o.Endpoint = root));

        var run = await SummarizeAsync();

        Assert.Equal($"HTTP 404 from the endpoint (Summaries:Endpoint has no path; Ollama, vLLM, LM Studio and OpenAI serve the API under /v1: {root}/v1)", run.Error);
    }

    // A 200 that is not a usable chat completion: what a proxy or login page, a filtered answer (OpenAI and Azure send
    // finish_reason content_filter with no content) or a tool call without text look like.
    [Theory]
    [InlineData("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":\"content_filter\"}]}",
        "no answer: the server's content filter withheld it (finish reason content_filter)")]
    [InlineData("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
        "no answer: the model called a tool instead (finish reason tool_calls)")]
    public async Task Summarize_CompletionWithoutText_IsRefusedWithTheFinishReason(string body, string reason)
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Raw(200, body));

        var run = await SummarizeAsync();

        var item = run.Items.Single(i => i.Source.Title == PaperTitle);
        Assert.Equal((SummaryOutcome.Refused, reason), (item.Outcome, item.Detail));
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
    }

    [Theory]
    [InlineData("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}", "application/json",
        "malformed answer: a chat completion without choices")]
    [InlineData("<!DOCTYPE html><html><head><title>Sign in - Corporate Proxy</title></head><body><form>…</form></body></html>", "text/html; charset=utf-8",
        "not a chat completion: an HTML page (\"Sign in - Corporate Proxy\"), perhaps a proxy's or a login page; check Summaries:Endpoint")]
    // An error sent as a 200 (LM Studio's shape, lmstudio-bug-tracker#2322) that is no context overflow: the server's words.
    [InlineData("{\"error\":{\"message\":\"No models loaded. Please load a model in the developer page or use the `lms load` command.\"}}", "application/json",
        "an error answered with HTTP 200 by the endpoint: No models loaded. Please load a model in the developer page or use the `lms load` command.")]
    public async Task Summarize_200ThatIsNotAnAnswer_FailsTheRunClearly_AndStoresNothing(string body, string contentType, string reason)
    {
        await StartAsync();
        _chat.Reply = _ => FakeReply.Raw(200, body, contentType);

        var run = await SummarizeAsync();

        Assert.Equal(reason, run.Error);
        Assert.Equal(SummaryOutcome.Failed, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
        Assert.Equal(1, Warnings);
    }

    [Fact]
    public async Task Summarize_UnreachableEndpoint_KeepsTheSourceText_OneWarningForTheRun()
    {
        await StartAsync(On(o => { o.Endpoint = "http://127.0.0.1:1/v1/"; o.IncludeChinese = true; }));

        var run = await SummarizeAsync();

        Assert.Equal((1, 1), (run.Count(SummaryOutcome.Failed), run.Count(SummaryOutcome.NotCalled)));   // the second entry is not tried
        Assert.Contains("could not connect", run.Error);
        Assert.Equal(1, Warnings);
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
    }

    [Fact]
    public async Task Summarize_429WithARetryAfterBeyondMaxRetryAfter_IsNotWaitedFor_AndTheNextRunWaitsToo()
    {
        await StartAsync();
        _chat.Reply = _ => FakeReply.TooManyRequests(600);

        var first = await SummarizeAsync();
        var second = await SummarizeAsync();
        var health = await _services!.Get<SummarizerHealth>().GetAsync(CancellationToken.None);
        _services!.Clock.Advance(TimeSpan.FromSeconds(601));
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(Chinese));
        var later = await SummarizeAsync();

        Assert.Equal("HTTP 429 from the endpoint (retry after 600s)", first.Error);
        Assert.Equal(0, second.Calls);
        Assert.Equal(SummaryOutcome.NotCalled, second.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Equal("waiting", health.State);
        Assert.Equal(1, later.Calls);
        Assert.Equal(2, _chat.Requests.Count);
        Assert.Contains($"摘要：{Chinese}  \n", await DraftAsync());
    }

    [Fact]
    public async Task Summarize_429WithAShortRetryAfter_IsRetriedAfterTheWait_OnTheFakeClock()
    {
        // Per-attempt and total limits far above the clock the driver advances, so only the Retry-After wait is measured.
        var fetching = new FetchingOptions { HostDelays = [], Retries = 2, RetryBaseDelay = TimeSpan.FromSeconds(1), CircuitBreakerFailures = 1000, TotalTimeout = TimeSpan.FromDays(1) };
        await StartAsync(On(o => o.Timeout = TimeSpan.FromHours(1)), fetching);
        var answered = 0;
        _chat.Reply = request => request.Prompt.Contains(PaperTitle, StringComparison.Ordinal) && answered++ == 0 ? FakeReply.TooManyRequests(20) : FakeReply.Answer(Chinese);

        var run = await ClockDriver.RunAsync(_services!.Clock, SummarizeAsync(), TimeSpan.FromSeconds(1));

        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Equal(2, _chat.Requests.Count);
        Assert.Null(run.Error);
    }

    // A 429 (or 408) means "later" whatever its text says (commit 167f674: one rule, 400/413/5xx, for the transport and the
    // client): one whose message names a context size is retried as any 429 is, not taken for this entry's own overflow.
    [Fact]
    public async Task Summarize_429WhoseMessageNamesAContextSize_IsRetriedAsA429()
    {
        var fetching = new FetchingOptions { HostDelays = [], Retries = 2, RetryBaseDelay = TimeSpan.FromSeconds(1), CircuitBreakerFailures = 1000, TotalTimeout = TimeSpan.FromDays(1) };
        await StartAsync(On(o => o.Timeout = TimeSpan.FromHours(1)), fetching);
        var answered = 0;
        var busy = FakeReply.Raw(429, "{\"error\":{\"code\":429,\"message\":\"server busy: the request exceeds the available context size of the free slots, try again later\",\"type\":\"unavailable_error\"}}");
        _chat.Reply = request => request.Prompt.Contains(PaperTitle, StringComparison.Ordinal) && answered++ == 0 ? busy : FakeReply.Answer(Chinese);

        var run = await ClockDriver.RunAsync(_services!.Clock, SummarizeAsync(), TimeSpan.FromSeconds(1));

        Assert.Equal(2, _chat.Requests.Count(r => r.Prompt.Contains(PaperTitle, StringComparison.Ordinal)));
        Assert.Equal(SummaryOutcome.Accepted, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Null(run.Error);
    }

    // README: the other entries are still asked after a prompt beyond the context; FetchRequest.Permanent: such a failure is
    // "neither retried nor counted by the circuit breaker". Three overflows as 500s (older llama-server builds) with a circuit
    // that opens after two failures: all three are asked and each fails on its own; none ends the run's calls.
    [Fact]
    public async Task Summarize_PromptsBeyondTheServersContext_DoNotOpenTheCircuit()
    {
        var fetching = new FetchingOptions { HostDelays = [], Retries = 0, CircuitBreakerFailures = 2, TotalTimeout = TimeSpan.FromDays(1) };
        await StartAsync(On(o => o.IncludeChinese = true), fetching);
        await SeedAsync(_services!, "s", Entry("arxiv:2402.14703", "EdgeViT: Vision Transformers on a Microcontroller", "papers", Tuesday, score: 4, summary: Abstract, prefix: "2402.14703v1"));
        _chat.Reply = _ => FakeReply.Raw(500, "{\"error\":{\"code\":500,\"message\":\"the request exceeds the available context size. try increasing the context size or enable context shift\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":1407,\"n_ctx\":256}}");

        var run = await SummarizeAsync();

        Assert.Equal(3, _chat.Requests.Count);
        Assert.Equal([SummaryOutcome.Failed, SummaryOutcome.Failed, SummaryOutcome.Failed], run.Items.Select(i => i.Outcome));
        Assert.Null(run.Error);
    }

    [Fact]
    public async Task Summarize_SilentEndpoint_TimesOutAfterSummariesTimeout_OnTheFakeClock()
    {
        // Only Summaries:Timeout (30 s a try) can end the wait: the total limit far away, and the clock held till the request
        // has reached the server. The three tries and their waits take ~150 s of the driven clock; with the default total
        // limit (3 min), a loaded machine that lagged the driver by a few steps ended the run with that limit's words instead
        // ("no answer within 180s"; a failure seen once at a load of ~33 fits it).
        await StartAsync(fetching: new FetchingOptions { HostDelays = [], TotalTimeout = TimeSpan.FromDays(1) });
        _chat.Reply = _ => FakeReply.Silent;

        var run = await ClockDriver.RunAsync(_services!.Clock, SummarizeAsync(), TimeSpan.FromSeconds(5), hold: () => _chat.Requests.IsEmpty)
            .WaitPatientlyAsync("the summary run against a silent endpoint");

        Assert.Equal("no answer within 30s (raise Summaries:Timeout if the model is slow)", run.Error);
        Assert.Contains($"摘要：{Abstract}  \n", await DraftAsync());
    }

    [Fact]
    public async Task Summarize_EditorsSummary_IsNeverAskedNorOverwritten_AndWinsOverAStoredAnswer()
    {
        await StartAsync(On(o => o.IncludeChinese = true));
        _chat.Reply = request => FakeReply.Answer(request.Prompt.Contains(PaperTitle, StringComparison.Ordinal) ? Chinese : "高通发布了骁龙875芯片，采用台积电5nm工艺，AI算力进一步提升。");
        var post = await IdAsync("url:example.com/a");
        await _services!.Get<EditorStore>().SetTextAsync(post, null, "编辑写的摘要。", CancellationToken.None);

        var run = await SummarizeAsync();
        var paper = await IdAsync("arxiv:2402.14702");
        await _services.Get<EditorStore>().SetTextAsync(paper, null, "编辑改写的论文摘要。", CancellationToken.None);
        var draft = await DraftAsync();

        Assert.Equal(SummaryOutcome.EditorSummary, run.Items.Single(i => i.Source.EntryId == post).Outcome);
        Assert.DoesNotContain(_chat.Requests, r => r.Prompt.Contains(PostTitle, StringComparison.Ordinal));
        Assert.Contains("摘要：编辑写的摘要。  \n", draft);
        Assert.Contains("摘要：编辑改写的论文摘要。  \n", draft);
        Assert.DoesNotContain(Chinese, draft);
        Assert.Equal("the editor's", await ExplainAsync("arxiv:2402.14702"));
    }

    [Fact]
    public async Task Summarize_MaxPerWeek_CapsTheWeeksAnswersAcrossRuns()
    {
        await StartAsync(On(o => { o.MaxPerWeek = 1; o.IncludeChinese = true; }));
        _chat.Reply = _ => FakeReply.Answer(Chinese);

        var first = await SummarizeAsync();
        var second = await SummarizeAsync();

        Assert.Equal((1, 1), (first.Calls, first.Count(SummaryOutcome.OverWeeklyLimit)));
        Assert.Equal((0, 1), (second.Calls, second.Count(SummaryOutcome.OverWeeklyLimit)));
        Assert.Single(_chat.Requests);
    }

    [Fact]
    public async Task Summarize_TimeBudgetSpent_MakesNoCall()
    {
        await StartAsync();

        var run = await SummarizeAsync(TimeSpan.Zero);

        Assert.Equal(0, run.Calls);
        Assert.Equal(SummaryOutcome.OverTimeBudget, run.Items.Single(i => i.Source.Title == PaperTitle).Outcome);
        Assert.Empty(_chat.Requests);
    }

    [Fact]
    public async Task Draft_SummariesOff_IsByteIdenticalToTheDraftWithoutAnyStoredAnswer()
    {
        await StartAsync();
        _chat.AnswerFor(PaperTitle, FakeReply.Answer(Chinese));
        var before = await DraftAsync();
        await SummarizeAsync();
        var off = new DraftExporter(_services!.Get<EntryStore>(), _services.Get<DraftSelector>(),
            new DraftSummaries(_services.Get<SummaryStore>(), Options.Create(new SummariesOptions { Model = "fake-model" }), Prompt));   // no endpoint: off

        var afterOff = Renderer.Render(await off.BuildAsync(Week, CancellationToken.None));
        var afterOn = await DraftAsync();

        Assert.Equal(before, afterOff);
        Assert.NotEqual(before, afterOn);
        Assert.Equal(before.Replace(Abstract, Chinese), afterOn);
    }
}
