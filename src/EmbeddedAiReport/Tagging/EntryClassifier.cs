using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tagging;

/// <summary>Decides an entry's section, score and tags before it is stored.</summary>
/// <remarks>
/// Section: the kind's choice (arXiv → papers), else the source's hint, else the kind's default.
/// Score: the source's weight. Keyword tags and learned section routing arrive with the taxonomy (issue 8).
/// </remarks>
public sealed class EntryClassifier
{
    /// <summary>The stored form of <paramref name="entry"/> from <paramref name="source"/>.</summary>
    public EntryWrite Classify(CandidateEntry entry, SourceDefinition source, string kindDefaultSection)
    {
        var section = entry.Section ?? source.Section ?? kindDefaultSection;
        return new EntryWrite(entry, source.Kind, section, source.Weight, []);
    }
}
