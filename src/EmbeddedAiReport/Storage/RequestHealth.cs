namespace EmbeddedAiReport.Storage;

/// <summary>Health of one request of a source with several (one account of a WeChat mirror, one repo of a GitHub source).</summary>
/// <param name="Label">The request's label (the account's feed id, the repo).</param>
/// <param name="Error">Null when its last fetch succeeded.</param>
/// <param name="PausedUntil">Scheduled polls skip the request until then.</param>
public sealed record RequestHealth(string Label, string? Error, int ConsecutiveFailures, DateTimeOffset? PausedUntil);
