namespace EmbeddedAiReport.Fetching;

/// <summary>ETag and Last-Modified of a response, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record HttpValidators(string? ETag, string? LastModified)
{
    public static readonly HttpValidators None = new(null, null);

    /// <summary>
    /// Where the address now lives, after a permanent redirect the source kind chose to remember (a renamed GitHub
    /// repository): later polls ask there first. Null: ask the address itself.
    /// </summary>
    public Uri? MovedTo { get; init; }

    /// <summary>What the operator is told about <see cref="MovedTo"/> (<c>owner/repo moved to …; update sources.json</c>).</summary>
    public string? MovedNote { get; init; }
}
