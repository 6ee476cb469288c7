using System.Security.Cryptography;
using System.Text;

namespace EmbeddedAiReport.Dedup;

/// <summary>MinHash signatures over character shingles, LSH band keys, and the similarity they estimate.</summary>
/// <remarks>
/// Each of the k hash functions is multiply-shift on the 32-bit shingle hash with 64-bit random odd multipliers
/// drawn from <see cref="DedupOptions.Seed"/>, so signatures are stable across runs and machines. The fraction of equal
/// positions of two signatures estimates the Jaccard similarity of the shingle sets (standard error ≈ √(J(1−J)/k)).
/// <threadsafety>Thread-safe after construction.</threadsafety>
/// </remarks>
public sealed class MinHasher
{
    private readonly ulong[] _multipliers;
    private readonly ulong[] _offsets;
    private readonly DedupOptions _options;

    public MinHasher(DedupOptions options)
    {
        _options = options;
        var length = options.SignatureLength;
        _multipliers = new ulong[length];
        _offsets = new ulong[length];
        var state = options.Seed;
        for (var i = 0; i < length; i++)
        {
            _multipliers[i] = SplitMix(ref state) | 1;
            _offsets[i] = SplitMix(ref state);
        }
    }

    /// <summary>The fingerprint of an entry's title and summary.</summary>
    public TextFingerprint Fingerprint(string title, string summary)
    {
        var normalized = TextShingles.Normalize(title + " " + summary);
        var shingles = TextShingles.Hashes(normalized, _options.ShingleSize);
        var signature = Signature(shingles);
        string? textHash = null;
        if (shingles.Length >= _options.MinShingles)
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(normalized), hash);
            textHash = Convert.ToHexString(hash[..16]);
        }
        return new TextFingerprint(signature, shingles.Length, textHash);
    }

    /// <summary>The MinHash signature of a set of shingle hashes (all <see cref="uint.MaxValue"/> for an empty set).</summary>
    public uint[] Signature(ReadOnlySpan<uint> shingles)
    {
        var signature = new uint[_multipliers.Length];
        // Hash function outermost: its multiplier and offset stay in registers, and four running minima over the
        // shingles break the dependency chain; the minimum is the same whatever the order.
        for (var i = 0; i < signature.Length; i++)
        {
            ulong multiplier = _multipliers[i], offset = _offsets[i];
            uint m0 = uint.MaxValue, m1 = uint.MaxValue, m2 = uint.MaxValue, m3 = uint.MaxValue;
            var s = 0;
            for (; s + 3 < shingles.Length; s += 4)
            {
                m0 = Math.Min(m0, (uint)((multiplier * shingles[s] + offset) >> 32));
                m1 = Math.Min(m1, (uint)((multiplier * shingles[s + 1] + offset) >> 32));
                m2 = Math.Min(m2, (uint)((multiplier * shingles[s + 2] + offset) >> 32));
                m3 = Math.Min(m3, (uint)((multiplier * shingles[s + 3] + offset) >> 32));
            }
            for (; s < shingles.Length; s++) m0 = Math.Min(m0, (uint)((multiplier * shingles[s] + offset) >> 32));
            signature[i] = Math.Min(Math.Min(m0, m1), Math.Min(m2, m3));
        }
        return signature;
    }

    /// <summary>One key per LSH band: entries sharing any key are candidates for the same story.</summary>
    public long[] BandKeys(ReadOnlySpan<uint> signature)
    {
        var rows = _options.Rows;
        var keys = new long[_options.Bands];
        for (var band = 0; band < keys.Length; band++)
        {
            var h = 0x9E3779B97F4A7C15UL * (ulong)(band + 1);
            for (var r = 0; r < rows; r++) h = Mix(h ^ signature[band * rows + r]);
            keys[band] = (long)h;
        }
        return keys;
    }

    /// <summary>Estimated Jaccard similarity of the texts behind two signatures of equal length.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length || a.Length == 0) return 0;
        var equal = 0;
        for (var i = 0; i < a.Length; i++) if (a[i] == b[i]) equal++;
        return (double)equal / a.Length;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);
}
