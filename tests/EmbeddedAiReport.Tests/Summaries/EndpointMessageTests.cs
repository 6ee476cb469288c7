using EmbeddedAiReport.Summaries;

namespace EmbeddedAiReport.Tests.Summaries;

/// <summary>Which error answers of the model servers say the prompt is longer than the model's context: their own words, read as the client reads them.</summary>
public sealed class EndpointMessageTests
{
    private static bool Overflow(int status, string body) => EndpointMessage.IsContextOverflow(status, EndpointMessage.Of(body, null));

    // Each body as the server sends it for a prompt beyond its context; the source of each wording is named beside it.
    [Theory]
    // llama-server, current builds (tools/server: exceed_context_size_error, a 400).
    [InlineData(400, "{\"error\":{\"code\":400,\"message\":\"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":4390,\"n_ctx\":4096}}")]
    // LocalAI's llama.cpp backend: llama-server's words through gRPC, a 500 (lfnovo/open-notebook#470 quotes it).
    [InlineData(500, "{\"error\":{\"code\":500,\"message\":\"rpc error: code = Internal desc = request (20652 tokens) exceeds the available context size (8192 tokens), try increasing it\",\"type\":\"\"}}")]
    // vLLM's OpenAI server (vllm/renderers/params.py, VLLMValidationError: a 400), and OpenAI's own.
    [InlineData(400, "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens. However, you requested 400 output tokens and your prompt contains at least 3697 input tokens, for a total of at least 4097 tokens. Please reduce the length of the input prompt or the number of requested output tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")]
    [InlineData(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}")]
    // vLLM's engine check (vllm/v1/engine/input_processor.py, _validate_prompt_len; a 400), which no "context" word names.
    [InlineData(400, "{\"error\":{\"message\":\"The decoder prompt (length 4390) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")]
    // text-generation-inference (router/src/validation.rs, ValidationError::MaxTotalTokens and ::InputLength): a 422,
    // {"error": "Input validation error: …", "error_type": "validation"}.
    [InlineData(422, "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4390 `inputs` tokens and 400 `max_new_tokens`\",\"error_type\":\"validation\"}")]
    [InlineData(422, "{\"error\":\"Input validation error: `inputs` must have less than 4095 tokens. Given: 4390\",\"error_type\":\"validation\"}")]
    // LM Studio (its log and 400 body, lmstudio-ai/lmstudio-bug-tracker#237, #546, #2205).
    [InlineData(400, "{\"error\":\"Trying to keep the first 4390 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input\"}")]
    [InlineData(400, "{\"error\":\"The number of tokens to keep from the initial prompt is greater than the context length. Try to load the model with a larger context length, or provide a shorter input\"}")]
    public void IsContextOverflow_TheServersWordsForAPromptBeyondTheContext_Are(int status, string body) => Assert.True(Overflow(status, body));

    // Refusals that are not about the prompt's length: asking with a shorter prompt would not help, so they must not be taken
    // for an overflow (that entry alone failing, the others asked in vain).
    [Theory]
    // A wrong model name: Ollama's /v1, vLLM, OpenAI.
    [InlineData(404, "{\"error\":{\"message\":\"model \\\"qwen2.5:7b-instruct\\\" not found, try pulling it first\",\"type\":\"api_error\",\"param\":null,\"code\":null}}")]
    [InlineData(404, "{\"error\":{\"message\":\"The model `qwen` does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}}")]
    [InlineData(404, "{\"error\":{\"message\":\"The model `gpt-4o-mni` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}")]
    // A body that is not JSON: OpenAI's 400, llama-server's 500 (nlohmann's parse error, ggml-org/llama.cpp#11738).
    [InlineData(400, "{\"error\":{\"message\":\"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")]
    [InlineData(500, "{\"error\":{\"code\":500,\"message\":\"[json.exception.parse_error.101] parse error at line 1, column 1: attempting to parse an empty input; check that your input string or stream contains the expected JSON\",\"type\":\"server_error\"}}")]
    // An answer limit beyond what the model allows, whatever the prompt: OpenAI, text-generation-inference.
    [InlineData(400, "{\"error\":{\"message\":\"max_tokens is too large: 100000. This model supports at most 16384 completion tokens, whereas you provided 100000.\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}")]
    [InlineData(422, "{\"error\":\"Input validation error: `max_new_tokens` must be <= 4096. Given: 5000\",\"error_type\":\"validation\"}")]
    [InlineData(422, "{\"error\":\"Input validation error: `temperature` must be strictly positive\",\"error_type\":\"validation\"}")]
    // llama-server's older KV-cache failure: also what it says when the GPU runs out of memory (ret < 0) or parallel requests
    // fill the cache, where asking again may help.
    [InlineData(500, "{\"error\":{\"code\":500,\"message\":\"Input prompt is too big compared to KV size. Please try increasing KV size.\",\"type\":\"server_error\"}}")]
    // The right words with a status that is no refusal of the request: a rate limit is asked again later.
    [InlineData(429, "{\"error\":{\"message\":\"request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it\"}}")]
    public void IsContextOverflow_OtherRefusals_AreNot(int status, string body) => Assert.False(Overflow(status, body));

    // The status as well as the words, messages as the client reads them: llama-server (a 400 now, a 500 in the builds of
    // ggml-org/llama.cpp#15780), llama-cpp-python's "Requested tokens (…) exceed context window of …"
    // (abetlen/llama-cpp-python#462), LM Studio's MLX engine's "Context size has been exceeded" (lmstudio-bug-tracker#2339)
    // and "Input length … exceeds context length …" (lmstudio-ai/examples#29), DeepSeek's and OpenAI's "maximum context
    // length" (a 413 behind some proxies). A 408 or 429 means "later" whatever its text (commit 167f674), and a message
    // that names no context size is no overflow.
    [Theory]
    [InlineData(400, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", true)]
    [InlineData(500, "the request exceeds the available context size. try increasing the context size or enable context shift", true)]
    [InlineData(503, "the request exceeds the available context size. try increasing the context size or enable context shift", true)]
    [InlineData(500, "Requested tokens (2285) exceed context window of 2048", true)]
    [InlineData(400, "Context size has been exceeded.", true)]
    [InlineData(400, "Error: Input length 6491 exceeds context length 1500", true)]
    [InlineData(413, "This model's maximum context length is 131072 tokens. However, you requested 141403 tokens (133211 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.", true)]
    [InlineData(200, "Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.", true)]
    [InlineData(429, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", false)]
    [InlineData(408, "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", false)]
    [InlineData(404, "model \"qwen2.5:7b-instruct\" not found, try pulling it first", false)]
    [InlineData(400, "bad request: the prompt is far too long for this model", false)]
    [InlineData(400, null, false)]
    public void IsContextOverflow_StatusAndWording(int status, string? message, bool expected) =>
        Assert.Equal(expected, EndpointMessage.IsContextOverflow(status, message));

    // The hint names the setting of the server whose words the overflow is in: llama-server's -c (--ctx-size), vLLM's
    // --max-model-len (its engine message names `max_model_len`), text-generation-inference's launcher (--max-input-tokens,
    // --max-total-tokens, its launcher documentation), LM Studio's load setting, llama-cpp-python's server --n_ctx. OpenAI's
    // hosted models speak vLLM's words; words of no known server get a generic name.
    [Theory]
    [InlineData("request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it", "llama-server -c")]
    [InlineData("rpc error: code = Internal desc = request (20652 tokens) exceeds the available context size (8192 tokens), try increasing it", "llama-server -c")]
    [InlineData("This model's maximum context length is 4096 tokens. However, you requested 400 output tokens and your prompt contains at least 3697 input tokens, for a total of at least 4097 tokens.", "vLLM --max-model-len")]
    [InlineData("The decoder prompt (length 4390) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.", "vLLM --max-model-len")]
    [InlineData("Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4390 `inputs` tokens and 400 `max_new_tokens`", "text-generation-inference --max-input-tokens and --max-total-tokens")]
    [InlineData("Input validation error: `inputs` must have less than 4095 tokens. Given: 4390", "text-generation-inference --max-input-tokens and --max-total-tokens")]
    [InlineData("Trying to keep the first 4390 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough.", "LM Studio's Context Length: lms load --context-length")]
    [InlineData("The number of tokens to keep from the initial prompt is greater than the context length. Try to load the model with a larger context length, or provide a shorter input", "LM Studio's Context Length: lms load --context-length")]
    [InlineData("Context size has been exceeded.", "LM Studio's Context Length: lms load --context-length")]
    [InlineData("Error: Input length 6491 exceeds context length 1500", "LM Studio's Context Length: lms load --context-length")]
    [InlineData("Input does not fit in context length. The input has 31430 tokens, but the context length only supports 30000 tokens.", "LM Studio's Context Length: lms load --context-length")]
    [InlineData("Requested tokens (2285) exceed context window of 2048", "llama-cpp-python --n_ctx")]
    [InlineData("prompt too long for the context window", "the server's context setting")]
    [InlineData(null, "the server's context setting")]
    public void ContextSetting_NamesTheSettingOfTheServerWhoseWordsTheyAre(string? message, string expected) =>
        Assert.Equal(expected, EndpointMessage.ContextSetting(message));

    // A 200 is an error answer only with an error member and no choices: LM Studio's (lmstudio-bug-tracker#2322), Ollama's
    // native shape; a completion, even one that also carries an "error" member some proxies add, is not.
    [Theory]
    [InlineData("{\"error\":{\"message\":\"Input does not fit in context length.\"},\"message\":\"Input does not fit in context length.\"}", true)]
    [InlineData("{\"error\":\"model 'qwen' not found\"}", true)]
    [InlineData("{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],\"error\":null}", false)]
    [InlineData("{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[]}", false)]
    [InlineData("{\"error\":null}", false)]
    [InlineData("<html><title>error</title></html>", false)]
    [InlineData("{\"error\":", false)]
    public void NotACompletion_AnErrorOnlyWithoutChoices(string body, bool isError) =>
        Assert.Equal(isError ? body : null, EndpointMessage.NotACompletion(System.Text.Encoding.UTF8.GetBytes(body)).ErrorBody);
}
