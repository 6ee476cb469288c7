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
    /// <summary>The comparable form of <paramref name="first"/> and <paramref name="second"/> as one text: NFKC, lower case, letters and digits only, no URLs.</summary>
    /// <remarks>
    /// The same as normalizing them joined by a space, without the joined copy: a URL ends at the space, NFKC composes
    /// nothing with a space, and the space itself is dropped with everything that is not a letter or digit.
    /// </remarks>
    public static string Normalize(string first, string second)
    {
        var (a, b) = (Prepare(first), Prepare(second));
        var pooled = ArrayPool<char>.Shared.Rent(Math.Max(1, a.Length + b.Length));
        try
        {
            var length = Letters(a, pooled.AsSpan());
            length += Letters(b, pooled.AsSpan(length));
            return new string(pooled, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(pooled);
        }
    }

    // Without URLs, in NFKC.
    private static string Prepare(string text)
    {
        // Every URL the pattern matches starts with "http" (any case): text without it is left as is, without running the regex.
        var withoutUrls = text.Contains("http", StringComparison.OrdinalIgnoreCase) ? Url().Replace(text, " ") : text;
        // ASCII text is already in NFKC.
        return Ascii.IsValid(withoutUrls) || withoutUrls.IsNormalized(NormalizationForm.FormKC)
            ? withoutUrls : withoutUrls.Normalize(NormalizationForm.FormKC);
    }

    // Writes the letters and digits of `text`, lower-cased, into `into`; returns how many.
    private static int Letters(string text, Span<char> into)
    {
        var length = 0;
        foreach (var c in text)
            if (char.IsLetterOrDigit(c)) into[length++] = InvariantCase.Lower(c);
        return length;
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
