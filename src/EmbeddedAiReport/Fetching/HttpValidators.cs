namespace EmbeddedAiReport.Fetching;

/// <summary>ETag and Last-Modified of a response, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record HttpValidators(string? ETag, string? LastModified)
{
    public static readonly HttpValidators None = new(null, null);
}
