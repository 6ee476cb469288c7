namespace EmbeddedAiReport.Dedup;

/// <summary>What near-duplicate detection knows of an entry's text: its MinHash signature, how many shingles it had, and an exact-text hash.</summary>
/// <param name="TextHash">Hash of the normalized text, or null when the text is too short to identify a story by itself.</param>
public sealed record TextFingerprint(uint[] Signature, int ShingleCount, string? TextHash)
{
    /// <summary>True when the text is long enough to be compared by similarity.</summary>
    public bool Comparable => TextHash is not null;
}
