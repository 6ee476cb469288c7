namespace EmbeddedAiReport.Tagging;

/// <summary>The general features the section router learns from: what the entry is and links to, its account, and the words of its text.</summary>
/// <remarks>
/// Features are hashed (FNV-1a over a one-letter namespace and the lower-cased characters), so extracting them allocates no
/// strings. Chinese text becomes character bigrams, which needs no word segmenter; Latin text becomes whole words.
/// Titles count double: the editor decides mostly on the title.
/// </remarks>
internal static class RouterFeatures
{
    /// <summary>Characters of the summary read, as much as a feed source keeps.</summary>
    public const int SummaryChars = 400;

    private const float TitleWeight = 2f;

    public static readonly int Bias = Hash('B', "");

    /// <summary>Appends the features of <paramref name="entry"/> to <paramref name="features"/>.</summary>
    public static void Extract(CandidateEntry entry, List<(int Feature, float Value)> features)
    {
        features.Add((Bias, 1f));
        var key = entry.CanonicalKey.AsSpan();
        var colon = key.IndexOf(':');
        if (colon > 0 && key[..colon] is not "url") features.Add((Hash('K', key[..colon]), 1f));
        features.Add((Hash('H', Host(entry.Url)), 1f));
        var arxiv = false;
        var github = false;
        foreach (var link in entry.Links)
        {
            if (link.Kind == "arxiv" && !arxiv) { arxiv = true; features.Add((Hash('L', "arxiv"), 1f)); }
            if (link.Kind == "github" && !github) { github = true; features.Add((Hash('L', "github"), 1f)); }
        }
        if (!string.IsNullOrWhiteSpace(entry.Account)) features.Add((Hash('A', entry.Account.AsSpan().Trim()), 1f));
        Words('T', entry.Title, TitleWeight, features);
        Words('S', entry.Summary.AsSpan(0, Math.Min(entry.Summary.Length, SummaryChars)), 1f, features);
    }

    private static void Words(char space, ReadOnlySpan<char> text, float weight, List<(int, float)> features)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiLetterOrDigit(text[i])) i++;
                features.Add((Hash(space, text[start..i]), weight));
            }
            else if (IsCjk(c))
            {
                if (i + 1 < text.Length && IsCjk(text[i + 1])) features.Add((Hash(space, text.Slice(i, 2)), weight));
                i++;
            }
            else i++;
        }
    }

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF';

    private static ReadOnlySpan<char> Host(string url)
    {
        var span = url.AsSpan();
        var scheme = span.IndexOf("://");
        if (scheme >= 0) span = span[(scheme + 3)..];
        var end = span.IndexOfAny('/', '?', '#');
        return end >= 0 ? span[..end] : span;
    }

    internal static int Hash(char space, ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        hash = (hash ^ space) * 16777619u;
        foreach (var c in text) hash = (hash ^ char.ToLowerInvariant(c)) * 16777619u;
        return (int)hash;
    }
}
