using System.Text.RegularExpressions;
using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Ingest;

/// <summary>A source's <c>include</c>/<c>exclude</c> patterns as one predicate over its entries.</summary>
public static class EntryFilter
{
    /// <summary>The source's include/exclude regexes (title + summary, case-insensitive) as one predicate.</summary>
    public static Func<CandidateEntry, bool> Wanted(SourceDefinition source)
    {
        if (source.Include.Count == 0 && source.Exclude.Count == 0) return static _ => true;
        var include = source.Include.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        var exclude = source.Exclude.Select(p => new Regex(p, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))).ToList();
        return e =>
        {
            var text = e.Title + "\n" + e.Summary;
            return (include.Count == 0 || include.Any(r => r.IsMatch(text))) && !exclude.Any(r => r.IsMatch(text));
        };
    }
}
