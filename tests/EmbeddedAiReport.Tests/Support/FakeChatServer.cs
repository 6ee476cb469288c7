using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// A loopback fake of the OpenAI chat-completions API (<c>POST /v1/chat/completions</c>): each request gets the reply that
/// <see cref="Reply"/> picks for its prompt: a canned answer, a 429 with Retry-After, a malformed body, a status and body as a
/// real server or proxy sends them, or no answer at all.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    private readonly LoopbackServer _server;

    private FakeChatServer(LoopbackServer server)
    {
        _server = server;
        server.Map("v1/chat/completions", HandleAsync);
    }

    /// <summary>The requests received: the user prompt, the model named, the Authorization header.</summary>
    public ConcurrentQueue<ChatRequestRecord> Requests { get; } = new();

    /// <summary>Picks the reply for a request (by default: an English answer, which the checks refuse).</summary>
    public Func<ChatRequestRecord, FakeReply> Reply { get; set; } = _ => FakeReply.Answer("A summary in English.");

    /// <summary>The base URL to configure as Summaries:Endpoint.</summary>
    public string Endpoint => _server.Url("v1/").ToString();

    public static async Task<FakeChatServer> StartAsync() => new(await LoopbackServer.StartAsync());

    /// <summary>Answers <paramref name="answer"/> to a prompt that contains <paramref name="titleInPrompt"/>, else what <paramref name="otherwise"/> gives.</summary>
    public void AnswerFor(string titleInPrompt, FakeReply answer, FakeReply? otherwise = null)
    {
        var previous = Reply;
        Reply = request => request.Prompt.Contains(titleInPrompt, StringComparison.Ordinal) ? answer : otherwise ?? previous(request);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var root = body.RootElement;
        var prompt = string.Concat(root.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").ValueKind == JsonValueKind.String
            ? m.GetProperty("content").GetString()
            : string.Concat(m.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString()))));
        var request = new ChatRequestRecord(prompt, root.GetProperty("model").GetString() ?? "", context.Request.Headers.Authorization.ToString());
        Requests.Enqueue(request);
        var reply = Reply(request);
        switch (reply.Kind)
        {
            case FakeReplyKind.Answer:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Completion(reply.Text, request.Model, reply.FinishReason));
                break;
            case FakeReplyKind.TooManyRequests:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = reply.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case FakeReplyKind.Malformed:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"id\": \"chatcmpl-1\", \"choices\": [{\"message\": ");
                break;
            case FakeReplyKind.Raw:
                context.Response.StatusCode = reply.Status;
                context.Response.ContentType = reply.ContentType;
                await context.Response.WriteAsync(reply.Text);
                break;
            case FakeReplyKind.Silent:
                // Never answers: only the client's timeout (on its fake clock) ends the request.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
        }
    }

    private static string Completion(string text, string model, string finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion",
        ["created"] = 1700000000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
            ["finish_reason"] = finishReason,
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 900, ["completion_tokens"] = 150, ["total_tokens"] = 1050 },
    }.ToJsonString();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One request the fake received.</summary>
public sealed record ChatRequestRecord(string Prompt, string Model, string Authorization);

public enum FakeReplyKind { Answer, TooManyRequests, Malformed, Raw, Silent }

/// <summary>What the fake answers to one request.</summary>
public sealed record FakeReply(FakeReplyKind Kind, string Text = "", int RetryAfterSeconds = 0, string FinishReason = "stop", int Status = 200,
    string ContentType = "application/json")
{
    public static FakeReply Answer(string text) => new(FakeReplyKind.Answer, text);
    /// <summary>An answer the server stopped at the request's max_tokens (finish reason <c>length</c>).</summary>
    public static FakeReply Cut(string text) => new(FakeReplyKind.Answer, text, FinishReason: "length");
    public static FakeReply TooManyRequests(int retryAfterSeconds) => new(FakeReplyKind.TooManyRequests, RetryAfterSeconds: retryAfterSeconds);
    public static FakeReply Malformed { get; } = new(FakeReplyKind.Malformed);
    /// <summary>The status, body and Content-Type given, as they are (a server's error JSON, a proxy's HTML page, an odd completion).</summary>
    public static FakeReply Raw(int status, string body, string contentType = "application/json") =>
        new(FakeReplyKind.Raw, body, Status: status, ContentType: contentType);
    public static FakeReply Silent { get; } = new(FakeReplyKind.Silent);
}
