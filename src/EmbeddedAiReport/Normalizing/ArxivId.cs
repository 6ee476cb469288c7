using System.Globalization;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Normalizing;

/// <summary>An arXiv identifier without its version (<c>2011.12289</c>, <c>cs/0112017</c>) plus the version when one was given.</summary>
/// <remarks>
/// New scheme <c>YYMM.NNNN(N)</c> since 0704, old scheme <c>archive(.SC)/YYMMNNN</c> before; the subject class of an
/// old id is dropped, as arXiv's preferred external form does (<c>math.CA/0611800</c> → <c>math/0611800</c>).
/// </remarks>
public readonly partial record struct ArxivId(string Base, int? Version)
{
    /// <summary>The entry key: <c>arxiv:</c> + <see cref="Base"/>; every URL form and version of a paper gives the same key.</summary>
    public string Key => "arxiv:" + Base;

    /// <summary>The id with its version when known (<c>2011.12289v1</c>).</summary>
    public string Versioned => Version is { } v ? $"{Base}v{v}" : Base;

    /// <summary>The abstract page of this version (or of the latest when the version is unknown).</summary>
    public string AbsUrl => $"https://arxiv.org/abs/{Versioned}";

    public override string ToString() => Versioned;

    /// <summary>
    /// The first instant (UTC) of the month after the one the id names, the latest its first version can have been
    /// submitted: <c>2401.09876</c> → 2024-02-01, <c>cs/0112017</c> → 2002-01-01. The YYMM of an id is the year and month
    /// the paper got it, with its v1 (https://info.arxiv.org/help/arxiv_identifier.html); old-scheme ids run from 1991 to 2007.
    /// </summary>
    public DateTimeOffset SubmittedBefore
    {
        get
        {
            var yymm = Base[(Base.IndexOf('/') + 1)..][..4];
            var year = int.Parse(yymm[..2], CultureInfo.InvariantCulture);
            var month = int.Parse(yymm[2..], CultureInfo.InvariantCulture);
            return new DateTimeOffset(year >= 91 ? 1900 + year : 2000 + year, Math.Clamp(month, 1, 12), 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        }
    }

    /// <summary>Reads a bare id (<c>2011.12289v2</c>, <c>arXiv:2011.12289</c>, <c>hep-th/9901001</c>, <c>oai:arXiv.org:2011.12289v1</c>).</summary>
    public static ArxivId? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        value = Prefix().Replace(value, "");
        var match = Bare().Match(value);
        if (!match.Success) return null;
        // Since 1501 the number has five digits, before it four: 2011.1228 is not an id.
        if (match.Groups["new"].Success && (int.Parse(match.Groups["new"].Value[..4]) >= 1501) != (match.Groups["new"].Value.Length == 10)) return null;
        return From(match);
    }

    /// <summary>Reads the id from an arXiv URL: <c>/abs/</c>, <c>/pdf/</c> (with or without <c>.pdf</c>), <c>/html/</c>, on arxiv.org or export.arxiv.org.</summary>
    public static ArxivId? TryFromUrl(Uri uri)
    {
        var host = uri.Host.ToLowerInvariant();
        if (host is not ("arxiv.org" or "www.arxiv.org" or "export.arxiv.org")) return null;
        var match = UrlPath().Match(uri.AbsolutePath);
        return match.Success ? TryParse(match.Groups[1].Value) : null;
    }

    /// <summary>Every arXiv id named in free text (URLs and <c>arXiv:</c> mentions), in order, without repeats.</summary>
    /// <remarks>Matches are read as spans; an id written again (a link and its text) is not parsed again.</remarks>
    public static IReadOnlyList<ArxivId> FindAll(string text)
    {
        var found = new List<ArxivId>();
        var read = new List<string>();
        foreach (var match in Mention().EnumerateMatches(text))
        {
            if (Mentions.FirstReading(read, MentionedId(text.AsSpan(match.Index, match.Length))) is not { } value) continue;
            if (TryParse(value) is { } id && found.All(f => f.Base != id.Base)) found.Add(id);
        }
        return found;
    }

    // The id part of a Mention() match: after "arxiv.org/abs/" (pdf/, html/), or after "arXiv:" and the one white space allowed there.
    private static ReadOnlySpan<char> MentionedId(ReadOnlySpan<char> mention)
    {
        if (mention.StartsWith("arxiv.org/", StringComparison.OrdinalIgnoreCase))
        {
            var path = mention["arxiv.org/".Length..];
            return path[(path.IndexOf('/') + 1)..];
        }
        var id = mention["arXiv:".Length..];
        return char.IsWhiteSpace(id[0]) ? id[1..] : id;   // the pattern's \s is char.IsWhiteSpace's set
    }

    private static ArxivId From(Match match)
    {
        var baseId = match.Groups["new"].Success
            ? match.Groups["new"].Value
            : $"{match.Groups["archive"].Value.ToLowerInvariant()}/{match.Groups["number"].Value}";
        // A version past int's range is no version arXiv gave: the paper, its version unknown.
        int? version = match.Groups["v"].Success && int.TryParse(match.Groups["v"].Value, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new ArxivId(baseId, version);
    }

    [GeneratedRegex(@"^(?:oai:arXiv\.org:|arXiv:)", RegexOptions.IgnoreCase)]
    private static partial Regex Prefix();

    // [0-9], not \d: \d also takes other scripts' digits (full-width ２０１１), which ids never have and int.Parse does not read.
    [GeneratedRegex(@"^(?:(?<new>[0-9]{4}\.[0-9]{4,5})|(?<archive>[a-zA-Z][a-zA-Z\-]*)(?:\.[A-Za-z]{2})?/(?<number>[0-9]{7}))(?:v(?<v>[0-9]+))?(?:\.pdf)?$")]
    private static partial Regex Bare();

    [GeneratedRegex(@"^/(?:abs|pdf|html|format|ps)/(.+?)/?$")]
    private static partial Regex UrlPath();

    // Either an arxiv.org URL or an explicit "arXiv:" label; a bare 2011.12289 in prose could be anything.
    [GeneratedRegex(@"(?:arxiv\.org/(?:abs|pdf|html)/|arXiv:\s?)(?<id>[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-zA-Z\-]+(?:\.[A-Z]{2})?/[0-9]{7}(?:v[0-9]+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex Mention();
}
