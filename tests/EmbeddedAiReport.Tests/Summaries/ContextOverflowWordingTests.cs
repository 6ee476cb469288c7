using EmbeddedAiReport.Summaries;

namespace EmbeddedAiReport.Tests.Summaries;

/// <summary>
/// The bounds of <see cref="EndpointMessage.IsContextOverflow"/>: each status and wording it takes for a prompt beyond the
/// model's context, and the statuses that mean "later" whatever the text.
/// </summary>
public sealed class ContextOverflowWordingTests
{
    // Messages as the servers send them: llama-server (a 400 now, a 500 in the builds of ggml-org/llama.cpp#15780),
    // llama-cpp-python's "Requested tokens (…) exceed context window of …" (abetlen/llama-cpp-python#462), LM Studio's MLX
    // engine's "Context size has been exceeded" (lmstudio-bug-tracker#2339) and "Input length … exceeds context length …"
    // (lmstudio-ai/examples#29), DeepSeek's and OpenAI's "maximum context length" (a 413 behind some proxies). A 408 or 429
    // means "later" whatever its text (commit 167f674), and a message that names no context size is no overflow.
    [Theory]
    [InlineData(400, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", true)]
    [InlineData(500, "the request exceeds the available context size. try increasing the context size or enable context shift", true)]
    [InlineData(503, "the request exceeds the available context size. try increasing the context size or enable context shift", true)]
    [InlineData(500, "Requested tokens (2285) exceed context window of 2048", true)]
    [InlineData(400, "Context size has been exceeded.", true)]
    [InlineData(400, "Error: Input length 6491 exceeds context length 1500", true)]
    [InlineData(413, "This model's maximum context length is 131072 tokens. However, you requested 141403 tokens (133211 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.", true)]
    [InlineData(429, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", false)]
    [InlineData(408, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", false)]
    [InlineData(404, "model \"qwen2.5:7b-instruct\" not found, try pulling it first", false)]
    [InlineData(400, "bad request: the prompt is far too long for this model", false)]
    [InlineData(400, null, false)]
    public void IsContextOverflow_StatusAndWording(int status, string? message, bool expected) =>
        Assert.Equal(expected, EndpointMessage.IsContextOverflow(status, message));
}
