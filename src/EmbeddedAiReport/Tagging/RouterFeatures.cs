using System.Runtime.InteropServices;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tagging;

/// <summary>The general features the section router learns from: what the entry is and links to, its account, its tags and the words of its text.</summary>
/// <remarks>
/// Features are hashed (FNV-1a over a one-letter namespace and the lower-cased characters), so extracting them allocates no
/// strings. Chinese text becomes character bigrams, which needs no word segmenter; Latin text becomes whole words.
/// Title and summary words are separate features; each feature counts once (presence), and the vector is L2-normalized.
/// </remarks>
internal static class RouterFeatures
{
    /// <summary>Characters of the summary read, as much as a feed source keeps.</summary>
    public const int SummaryChars = 400;

    /// <summary>The constant feature.</summary>
    public static readonly int Bias = Hash('B', "");

    /// <summary>Appends the features of <paramref name="entry"/>, which has <paramref name="tags"/>, to <paramref name="features"/>.</summary>
    public static void Extract(CandidateEntry entry, IReadOnlyList<TagDefinition> tags, List<(int Feature, float Value)> features)
    {
        features.Add((Bias, 1f));
        var key = entry.CanonicalKey.AsSpan();
        var colon = key.IndexOf(':');
        // The key's kind says what the entry is (a paper, a repository, a release); url: and wx: keys say no more than the host does.
        if (colon > 0 && key[..colon] is not ("url" or "wx")) features.Add((Hash('K', key[..colon]), 1f));
        features.Add((Hash('H', Host(entry.Url)), 1f));
        var arxiv = false;
        var github = false;
        foreach (var link in entry.Links)
        {
            if (link.Kind == "arxiv" && !arxiv) { arxiv = true; features.Add((Hash('L', "arxiv"), 1f)); }
            if (link.Kind == "github" && !github) { github = true; features.Add((Hash('L', "github"), 1f)); }
        }
        if (!string.IsNullOrWhiteSpace(entry.Account)) features.Add((Hash('A', entry.Account.AsSpan().Trim()), 1f));
        foreach (var tag in tags) features.Add((Hash('G', tag.Name), 1f));
        Words('T', entry.Title, features);
        Words('S', entry.Summary.AsSpan(0, Math.Min(entry.Summary.Length, SummaryChars)), features);
        Deduplicate(features);
    }

    // Presence, not counts: a word repeated in a long summary should not outweigh the title.
    internal static void Deduplicate(List<(int Feature, float Value)> features)
    {
        // By feature, the larger value first: each pair packed into one 64-bit key (feature high, the value's order low and
        // inverted) and sorted as plain numbers, which is several times faster than sorting pairs through a comparer.
        var span = CollectionsMarshal.AsSpan(features);
        var keys = span.Length <= 512 ? stackalloc long[span.Length] : new long[span.Length];
        for (var i = 0; i < span.Length; i++) keys[i] = ((long)span[i].Feature << 32) | (uint)~Orderable(span[i].Value);
        keys.Sort();
        var kept = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            var feature = (int)(keys[i] >> 32);
            if (kept > 0 && span[kept - 1].Feature == feature) continue;
            span[kept++] = (feature, FromOrderable(~(uint)keys[i]));
        }
        features.RemoveRange(kept, features.Count - kept);
    }

    // A float's bits as an unsigned number in the float's order (negative values flipped whole, others with the sign set).
    private static uint Orderable(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
    }

    private static float FromOrderable(uint order) =>
        BitConverter.UInt32BitsToSingle((order & 0x8000_0000) != 0 ? order & 0x7FFF_FFFF : ~order);

    private static void Words(char space, ReadOnlySpan<char> text, List<(int, float)> features)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiLetterOrDigit(text[i])) i++;
                features.Add((Hash(space, text[start..i]), 1f));
            }
            else if (IsCjk(c))
            {
                if (i + 1 < text.Length && IsCjk(text[i + 1])) features.Add((Hash(space, text.Slice(i, 2)), 1f));
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
        foreach (var c in text) hash = (hash ^ InvariantCase.Lower(c)) * 16777619u;
        return (int)hash;
    }
}
