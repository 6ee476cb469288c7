namespace EmbeddedAiReport.Storage;

/// <summary>Filters for listing entries (the <c>entries</c> command and <c>GET /entries</c>); null means any.</summary>
public sealed record EntryQuery
{
    /// <summary>Every editorial status an entry can have, in the order an editor meets them.</summary>
    public static IReadOnlyList<string> Statuses { get; } = ["candidate", "shortlisted", "rejected", "published"];

    public DateTimeOffset? FromUtc { get; init; }
    public DateTimeOffset? ToUtc { get; init; }
    public string? Tag { get; init; }
    public string? Section { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<long>? Ids { get; init; }
    /// <summary>Most entries listed; 0 lists every one.</summary>
    public int Limit { get; init; } = 200;
}
