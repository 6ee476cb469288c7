using System.Buffers;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Dedup;

/// <summary>Character shingles of a text, the unit near-duplicate detection compares.</summary>
/// <remarks>
/// Characters, not words: Chinese has no spaces, and character n-grams also catch English terms and
/// model names inside Chinese text. URLs are dropped (links are compared as links), then case, width
/// (NFKC: ｜ → |, full-width digits) and everything but letters and digits.
/// </remarks>
internal static partial class TextShingles
{
    /// <summary>
    /// The comparable form of <paramref name="first"/> and <paramref name="second"/> as one text (NFKC, lower case, letters
    /// and digits only, no URLs), written into a buffer rented from <see cref="ArrayPool{T}.Shared"/> that the caller returns:
    /// this runs over the whole text of every new entry.
    /// </summary>
    /// <remarks>
    /// The same as normalizing the two joined by a space with every URL replaced by a space, without the copies: NFKC composes
    /// nothing across a space (no composition starts with one), so each stretch between spaces that were added is normalized
    /// on its own, and those spaces are dropped with everything that is not a letter or digit.
    /// </remarks>
    public static char[] Normalize(string first, string second, out int length)
    {
        var into = ArrayPool<char>.Shared.Rent(Math.Max(16, first.Length + second.Length));
        length = 0;
        AppendWithoutUrls(first, ref into, ref length);
        AppendWithoutUrls(second, ref into, ref length);
        return into;
    }

    private static void AppendWithoutUrls(string text, ref char[] into, ref int length)
    {
        // Every URL the pattern matches starts with "http" (any case): text without it is taken whole, without running the regex.
        if (!text.Contains("http", StringComparison.OrdinalIgnoreCase))
        {
            Append(text, ref into, ref length);
            return;
        }
        var start = 0;
        foreach (var url in Url().EnumerateMatches(text))
        {
            Append(text.AsSpan(start, url.Index - start), ref into, ref length);
            start = url.Index + url.Length;
        }
        Append(text.AsSpan(start), ref into, ref length);
    }

    // Appends the letters and digits of NFKC(text), lower-cased.
    private static void Append(ReadOnlySpan<char> text, ref char[] into, ref int length)
    {
        // ASCII text is already in NFKC.
        if (Ascii.IsValid(text) || text.IsNormalized(NormalizationForm.FormKC))
        {
            Letters(text, ref into, ref length);
            return;
        }
        var normalized = ArrayPool<char>.Shared.Rent(text.Length + text.Length / 2 + 16);
        if (!text.TryNormalize(normalized, out var written, NormalizationForm.FormKC))
        {
            // NFKC can lengthen a text (ﷺ is 18 characters): ask how much and normalize again.
            ArrayPool<char>.Shared.Return(normalized);
            normalized = ArrayPool<char>.Shared.Rent(text.GetNormalizedLength(NormalizationForm.FormKC));
            text.TryNormalize(normalized, out written, NormalizationForm.FormKC);
        }
        Letters(normalized.AsSpan(0, written), ref into, ref length);
        ArrayPool<char>.Shared.Return(normalized);
    }

    // Appends the letters and digits of `text`, lower-cased, growing `into` from the pool when it is too short.
    private static void Letters(ReadOnlySpan<char> text, ref char[] into, ref int length)
    {
        if (length + text.Length > into.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(length + text.Length, into.Length * 2));
            into.AsSpan(0, length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(into);
            into = larger;
        }
        foreach (var c in text)
            if (char.IsLetterOrDigit(c)) into[length++] = InvariantCase.Lower(c);
    }

    /// <summary>How many hashes <see cref="Hashes(ReadOnlySpan{char}, int, Span{uint})"/> writes at most for a text of <paramref name="length"/> characters.</summary>
    public static int MaxHashes(int length, int size) => length == 0 ? 0 : Math.Max(1, length - size + 1);

    /// <summary>
    /// Writes into <paramref name="into"/> (at least <see cref="MaxHashes"/> long) the distinct hashes of every
    /// <paramref name="size"/>-character shingle of <paramref name="normalized"/>, in no particular order; returns how many.
    /// </summary>
    public static int Hashes(ReadOnlySpan<char> normalized, int size, Span<uint> into)
    {
        if (normalized.Length == 0) return 0;
        if (normalized.Length <= size)
        {
            into[0] = Hash(normalized);
            return 1;
        }
        var count = normalized.Length - size + 1;
        // Distinct through an open-addressing set (linear probing, at most half full) rather than a sort: this runs over
        // the whole text of every new entry. Zero marks a free cell, so a shingle hashing to zero is kept aside.
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)count * 2);
        var rented = ArrayPool<uint>.Shared.Rent(capacity);
        var cells = rented.AsSpan(0, capacity);
        cells.Clear();
        var mask = capacity - 1;
        var found = 0;
        var zero = false;
        for (var i = 0; i < count; i++)
        {
            var hash = Hash(normalized.Slice(i, size));
            if (hash == 0)
            {
                if (!zero) into[found++] = 0;
                zero = true;
                continue;
            }
            var cell = (int)(hash & mask);
            while (cells[cell] != 0 && cells[cell] != hash) cell = (cell + 1) & mask;
            if (cells[cell] == hash) continue;
            cells[cell] = hash;
            into[found++] = hash;
        }
        ArrayPool<uint>.Shared.Return(rented);
        return found;
    }

    // FNV-1a over the UTF-16 code units, then a murmur3 finalizer so nearby shingles spread.
    private static uint Hash(ReadOnlySpan<char> shingle)
    {
        var h = 2166136261u;
        foreach (var c in shingle) h = (h ^ c) * 16777619u;
        h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
        return h;
    }

    [GeneratedRegex(@"https?://\S+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
