namespace EmbeddedAiReport.Storage;

/// <summary>Filters for listing entries (the <c>entries</c> command and <c>GET /entries</c>); null means any.</summary>
public sealed record EntryQuery
{
    public DateTimeOffset? FromUtc { get; init; }
    public DateTimeOffset? ToUtc { get; init; }
    public string? Tag { get; init; }
    public string? Section { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<long>? Ids { get; init; }
    public int Limit { get; init; } = 200;
}
