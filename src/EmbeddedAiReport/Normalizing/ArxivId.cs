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
        // A new-scheme id starts with a digit, an old one with its archive's letters.
        if (value.Length > 0 && IsDigit(value[0])) return TryParseNew(value);
        return OldScheme().Match(value) is { Success: true } match ? From(match) : null;
    }

    /// <summary>Reads the id from an arXiv URL: <c>/abs/</c>, <c>/pdf/</c> (with or without <c>.pdf</c>), <c>/html/</c>, on arxiv.org or export.arxiv.org.</summary>
    public static ArxivId? TryFromUrl(Uri uri) => TryFromUrl(uri.Host, uri.AbsolutePath);

    /// <summary>As <see cref="TryFromUrl(Uri)"/>, from a URL's host and path read once (<see cref="EntryKey.For"/> hands them to each recognizer).</summary>
    internal static ArxivId? TryFromUrl(string host, string path)
    {
        // ToLowerInvariant copies nothing when the host is lower case already, as a Uri's is.
        if (host.ToLowerInvariant() is not ("arxiv.org" or "www.arxiv.org" or "export.arxiv.org")) return null;
        // ^/(?:abs|pdf|html|format|ps)/(.+?)/?$ read as spans: the id after the second slash, one trailing slash dropped.
        var rest = path.AsSpan();
        if (!rest.StartsWith('/')) return null;
        rest = rest[1..];
        var slash = rest.IndexOf('/');
        if (slash < 0 || rest[..slash] is not ("abs" or "pdf" or "html" or "format" or "ps")) return null;
        rest = rest[(slash + 1)..];
        if (rest.Length > 1 && rest[^1] == '/') rest = rest[..^1];
        if (rest.IsEmpty) return null;
        // A new-scheme id, what nearly every link names, is read in place; any other text as TryParse reads it.
        return IsDigit(rest[0]) ? TryParseNew(rest) : TryParse(rest.ToString());
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    // A new-scheme id, the text starting with a digit: [0-9]{4}\.[0-9]{4,5}, then v[0-9]+ and .pdf, each optional, and
    // nothing after. Null otherwise.
    private static ArxivId? TryParseNew(ReadOnlySpan<char> text)
    {
        var digits = text.IndexOfAnyExceptInRange('0', '9');
        if (digits != 4 || text[4] != '.') return null;
        var number = text[5..].IndexOfAnyExceptInRange('0', '9');
        var end = 5 + (number < 0 ? text.Length - 5 : number);
        if (end - 5 is not (4 or 5)) return null;
        var rest = text[end..];
        int? version = null;
        if (rest.StartsWith('v'))
        {
            var run = rest[1..].IndexOfAnyExceptInRange('0', '9');
            var length = run < 0 ? rest.Length - 1 : run;
            if (length == 0) return null;
            // A version past int's range is no version arXiv gave: the paper, its version unknown.
            version = int.TryParse(rest.Slice(1, length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
            rest = rest[(1 + length)..];
        }
        if (!rest.IsEmpty && !rest.SequenceEqual(".pdf")) return null;
        // Since 1501 the number has five digits, before it four: 2011.1228 is not an id.
        var id = text[..end];
        if ((int.Parse(id[..4], CultureInfo.InvariantCulture) >= 1501) != (id.Length == 10)) return null;
        return new ArxivId(id.ToString(), version);
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
        var baseId = $"{match.Groups["archive"].Value.ToLowerInvariant()}/{match.Groups["number"].Value}";
        // A version past int's range is no version arXiv gave: the paper, its version unknown.
        int? version = match.Groups["v"].Success && int.TryParse(match.Groups["v"].Value, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new ArxivId(baseId, version);
    }

    [GeneratedRegex(@"^(?:oai:arXiv\.org:|arXiv:)", RegexOptions.IgnoreCase)]
    private static partial Regex Prefix();

    // [0-9], not \d: \d also takes other scripts' digits (full-width ２０１１), which ids never have and int.Parse does not read.
    // An old-scheme id (archive, optional subject class, 7 digits); a new one is read by TryParseNew.
    [GeneratedRegex(@"^(?<archive>[a-zA-Z][a-zA-Z\-]*)(?:\.[A-Za-z]{2})?/(?<number>[0-9]{7})(?:v(?<v>[0-9]+))?(?:\.pdf)?$")]
    private static partial Regex OldScheme();

    // Either an arxiv.org URL or an explicit "arXiv:" label; a bare 2011.12289 in prose could be anything.
    [GeneratedRegex(@"(?:arxiv\.org/(?:abs|pdf|html)/|arXiv:\s?)(?<id>[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-zA-Z\-]+(?:\.[A-Z]{2})?/[0-9]{7}(?:v[0-9]+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex Mention();
}
