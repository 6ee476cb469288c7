using System.Text.RegularExpressions;
using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Ingest;

/// <summary>A source's <c>include</c>/<c>exclude</c> patterns as one predicate over its entries.</summary>
public static class EntryFilter
{
    /// <summary>How long one pattern may take on one entry's text.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The source's include/exclude regexes (title + summary, case-insensitive) as one predicate.</summary>
    /// <param name="timedOut">
    /// Told the field and pattern that ran past <see cref="MatchTimeout"/> on an entry (catastrophic backtracking). That entry is
    /// kept, as if the pattern had not filtered it: a slow pattern loses no entry and does not fail the poll.
    /// </param>
    public static Func<CandidateEntry, bool> Wanted(SourceDefinition source, Action<string, string>? timedOut = null)
    {
        if (source.Include.Count == 0 && source.Exclude.Count == 0) return static _ => true;
        var include = source.Include.Select(p => new Regex(p, RegexOptions.IgnoreCase, MatchTimeout)).ToList();
        var exclude = source.Exclude.Select(p => new Regex(p, RegexOptions.IgnoreCase, MatchTimeout)).ToList();
        return e =>
        {
            var text = e.Title + "\n" + e.Summary;
            return (include.Count == 0 || include.Any(r => Matches(r, text, "include", whenTimedOut: true)))
                && !exclude.Any(r => Matches(r, text, "exclude", whenTimedOut: false));
        };

        bool Matches(Regex pattern, string text, string field, bool whenTimedOut)
        {
            try
            {
                return pattern.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                timedOut?.Invoke(field, pattern.ToString());
                return whenTimedOut;
            }
        }
    }
}
