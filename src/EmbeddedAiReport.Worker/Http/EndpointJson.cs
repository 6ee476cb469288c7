using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>How the daemon's own JSON bodies are written: the endpoints' and the review page's script replies.</summary>
/// <remarks>Results.Problem (a refused week or date) writes through ASP.NET Core's HTTP JSON options, whose relaxed encoder writes Chinese as text too.</remarks>
internal static class EndpointJson
{
    /// <summary>
    /// <see cref="WorkerJson"/>'s contracts with web defaults. Chinese stays readable UTF-8 (the default encoder writes \u5E95
    /// for every CJK character): titles, section names, a message quoting what the request named. HTML-sensitive characters
    /// (&lt; &gt; &amp; ' ") are still escaped, so the JSON stays safe to embed.
    /// </summary>
    public static JsonSerializerOptions Options { get; } =
        new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) }.With(WorkerJson.Default);
}

// The JSON bodies of the daemon's endpoints (design.md §9), property order as written, camel case on output. Contracts
// generated at compile time (WorkerJson): no reflection, so the native binary serves the same bytes.

internal sealed record HealthUnavailable(string Status, string Reason);

internal sealed record HealthReport(string Status, string? Reason, int Sources, int Failing, int Stale, SummariesHealth? Summaries);

internal sealed record SummariesHealth(string State, string? Note, int ConsecutiveFailures);

/// <param name="Week">The ISO week listed; null when the query named days (from/to).</param>
/// <param name="Total">Entries matching the query; more than <c>entries</c> holds when the limit cut the list.</param>
internal sealed record EntriesReply(string? Week, DateOnly From, DateOnly To, long Total, IEnumerable<EntryReply> Entries);

/// <param name="Markdown">Where the issue's markdown is served, or null for an issue recorded before issues kept it.</param>
internal sealed record IssueReply(DateOnly Date, string? Markdown);

internal sealed record EntryReply(long Id, string Title, string? Account, string Url, string? Section, string Status, double Score,
    DateTimeOffset? Published, string Key, IEnumerable<EntryTag> Tags);

internal sealed record SourceReply(string Id, string Kind, bool Enabled, string Schedule, string State, string? Note,
    DateTimeOffset? PausedUntil, DateTimeOffset? NextPoll, SourceHealthReply? Health, IEnumerable<RequestReply> Requests);

internal sealed record SourceHealthReply(DateTimeOffset? LastPoll, DateTimeOffset? LastSuccess, string? LastError, string? LastWarning, string? LastLeftOut,
    int ConsecutiveFailures, DateTimeOffset? PausedUntil, DateTimeOffset? LastNewEntry, DateTimeOffset? FirstPoll, long Entries);

internal sealed record RequestReply(string Label, string? Error, int ConsecutiveFailures, DateTimeOffset? PausedUntil);

internal sealed record ActionReply(bool Ok, string Message);

/// <summary>A refused query (RFC 9457 problem details): what is wrong, the parameter at fault or the unknown ones, and what is accepted.</summary>
/// <param name="Accepted">The parameters the endpoint takes (for unknown ones), or the values the parameter takes.</param>
internal sealed record QueryProblem(string Type, string Title, int Status, string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Parameter,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Unknown,
    IReadOnlyList<string> Accepted)
{
    /// <summary>A 400 about the query, typed as ASP.NET Core types its own 400 problems.</summary>
    public static QueryProblem Of(string detail, string? parameter, IReadOnlyList<string>? unknown, IReadOnlyList<string> accepted) =>
        new("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request", StatusCodes.Status400BadRequest, detail, parameter, unknown, accepted);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthUnavailable))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(EntriesReply))]
[JsonSerializable(typeof(List<SourceReply>))]
[JsonSerializable(typeof(List<IssueReply>))]
[JsonSerializable(typeof(ActionReply))]
[JsonSerializable(typeof(QueryProblem))]
// Results.Problem (a 400 for a bad week …) writes ProblemDetails through the host's JSON options: without its contract
// here the native binary answered those with an empty 500.
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class WorkerJson : JsonSerializerContext;
