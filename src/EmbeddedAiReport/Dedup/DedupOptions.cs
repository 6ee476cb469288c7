namespace EmbeddedAiReport.Dedup;

/// <summary>How entries are grouped into stories (section <c>Dedup</c> of appsettings.json).</summary>
public sealed class DedupOptions
{
    /// <value>Characters per shingle of the normalized title + summary. Default: 3 (works for Chinese and for English mixed in).</value>
    public int ShingleSize { get; set; } = 3;

    /// <value>LSH bands; the MinHash signature has <see cref="Bands"/> × <see cref="Rows"/> values. Default: 40.</value>
    public int Bands { get; set; } = 40;

    /// <value>MinHash values per band. Default: 3 (a pair at Jaccard 0.4 becomes a candidate with probability 0.93, at 0.05 with 0.005).</value>
    public int Rows { get; set; } = 3;

    /// <value>Estimated Jaccard similarity at or above which two entries tell the same story. Default: 0.4.</value>
    public double Threshold { get; set; } = 0.4;

    /// <value>Texts with fewer distinct shingles are too short to compare by text (a bare version number); they group only by key or link. Default: 12.</value>
    public int MinShingles { get; set; } = 12;

    /// <value>Near duplicates must lie within this many days of each other; links (paper ↔ posts) have no limit. Default: 30.</value>
    public int LookbackDays { get; set; } = 30;

    /// <value>Most candidates read per LSH bucket (the newest), so a crowded bucket cannot make cost quadratic. Default: 64.</value>
    public int MaxBucketCandidates { get; set; } = 64;

    /// <value>An entry naming more papers/repos than this is a roundup; its links do not group anything. Default: 3.</value>
    public int MaxLinksPerEntry { get; set; } = 3;

    /// <value>A paper/repo linked by more entries than this is a hub (a framework everyone cites) and groups nothing. Default: 4.</value>
    public int MaxLinkFanout { get; set; } = 4;

    /// <value>Accounts that republish others' posts; their entries are never primary over a first-hand one. Default: 转载精选.</value>
    public List<string> AggregatorAccounts { get; set; } = ["转载精选"];

    /// <value>Phrases that mark a repost in title or summary. Default: 转载自, 本文转载, 转载于, 转自, reposted from.</value>
    public List<string> AggregatorMarkers { get; set; } = ["转载自", "本文转载", "转载于", "转自", "reposted from"];

    /// <value>Seed of the MinHash functions; changing it requires re-signing every entry. Default: 20201125.</value>
    public ulong Seed { get; set; } = 20201125;

    /// <summary>Most entries a load of the story index puts into its band buckets at once: 2.6 MB of band keys with the default 40 bands.</summary>
    /// <remarks>Not a setting (not public, so never bound). Any size gives the same buckets; tests lower it for their own
    /// services, to load a small window in many chunks, while the tests beside them load as the program does.</remarks>
    internal int LoadChunk { get; set; } = 8192;

    /// <summary>Length of a MinHash signature.</summary>
    public int SignatureLength => Bands * Rows;

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public IEnumerable<string> Validate()
    {
        if (ShingleSize is < 1 or > 8) yield return "Dedup:ShingleSize: must be 1..8";
        if (Bands < 1 || Rows < 1 || SignatureLength > 1024) yield return "Dedup:Bands/Rows: need at least 1 each and at most 1024 values in all";
        if (Threshold is <= 0 or > 1) yield return "Dedup:Threshold: must be in (0, 1]";
        if (LookbackDays < 0) yield return "Dedup:LookbackDays: must not be negative";
        if (MaxBucketCandidates < 1) yield return "Dedup:MaxBucketCandidates: must be at least 1";
        if (MaxLinksPerEntry < 0) yield return "Dedup:MaxLinksPerEntry: must not be negative";
        if (MaxLinkFanout < 0) yield return "Dedup:MaxLinkFanout: must not be negative";
    }
}
