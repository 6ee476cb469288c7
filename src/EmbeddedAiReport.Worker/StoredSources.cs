namespace EmbeddedAiReport.Worker;

/// <summary>What the database holds under source ids sources.json no longer has.</summary>
internal static class StoredSources
{
    /// <summary>
    /// A warning naming the source ids that hold entries but are not in <paramref name="sources"/>, and how to fix a rename;
    /// null when there are none. <paramref name="entryCounts"/>: entries by source id (<c>SourceStore.EntryCountsAsync</c>).
    /// </summary>
    /// <remarks>
    /// A renamed source's entries stay under its old id: a poll under the new id does not update an entry another source
    /// stored (only a higher arXiv version does), and <c>sources</c> counts none for it. A removed source's entries are the
    /// same to the database: history, kept; the warning says so, and <c>validate</c> exits as it would without it.
    /// </remarks>
    public static string? OrphanWarning(IReadOnlyList<SourceDefinition> sources, IReadOnlyDictionary<string, long> entryCounts)
    {
        var configured = sources.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var orphans = entryCounts.Where(c => !configured.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (orphans.Count == 0) return null;
        return $"the database holds entries of source id(s) {LoadedConfig.SourcesFile} does not have: "
            + string.Join(", ", orphans.Select(o => $"'{o.Key}' ({Counted.Of(o.Value, "entry", "entries")})"))
            + "; if a source was renamed, give it its old id back in sources.json (its stored entries keep the old id: polls under "
            + "the new one do not update them and 'sources' does not count them); a removed source's entries are history and may stay";
    }
}
