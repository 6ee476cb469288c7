using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedAiReport.Normalizing;

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

    /// <summary>The fingerprint of an entry's title and whole text (<paramref name="text"/>; its summary when it has no more).</summary>
    public TextFingerprint Fingerprint(string title, string summary, string? text = null)
    {
        // The normalized text, the shingle hashes and the UTF-8 bytes are needed only here: pooled, not allocated per entry
        // (this runs over the whole text of every new entry, and those arrays were most of what a poll allocated).
        var normalized = TextShingles.Normalize(title, text ?? summary, out var length);
        var pooled = ArrayPool<uint>.Shared.Rent(Math.Max(1, TextShingles.MaxHashes(length, _options.ShingleSize)));
        try
        {
            var count = TextShingles.Hashes(normalized.AsSpan(0, length), _options.ShingleSize, pooled);
            var signature = Signature(pooled.AsSpan(0, count));
            return new TextFingerprint(signature, count, count >= _options.MinShingles ? TextDigest.Sha256Hex(normalized.AsSpan(0, length), 16) : null);
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(pooled);
            ArrayPool<char>.Shared.Return(normalized);
        }
    }

    /// <summary>The MinHash signature of a set of shingle hashes (all <see cref="uint.MaxValue"/> for an empty set).</summary>
    /// <remarks>
    /// Optimized at once: vector code is never precompiled (ReadyToRun targets a baseline CPU), and a one-shot command
    /// would otherwise run these loops unoptimized for its first thousands of entries.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public uint[] Signature(ReadOnlySpan<uint> shingles)
    {
        var signature = new uint[_multipliers.Length];
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // Eight hash functions per vector and four vectors per pass over the shingles (AVX-512 multiplies 64-bit lanes natively).
            for (; i + 32 <= signature.Length; i += 32) Block32(shingles, i, signature);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            // Four hash functions per vector and four vectors per pass over the shingles, so the running minima stay in
            // registers; the arithmetic is the scalar one lane by lane (64-bit wrap-around, high half), so the values are identical.
            for (; i + 16 <= signature.Length; i += 16) Block16(shingles, i, signature);
            for (; i + 4 <= signature.Length; i += 4)
            {
                var multiplier = Vector256.Create<ulong>(_multipliers.AsSpan(i));
                var offset = Vector256.Create<ulong>(_offsets.AsSpan(i));
                var min = Vector256<ulong>.AllBitsSet;
                foreach (var shingle in shingles) min = Vector256.Min(min, Vector256.ShiftRightLogical(multiplier * shingle + offset, 32));
                Store(min, signature, i);
            }
        }
        // Scalar: hash function outermost, its multiplier and offset in registers, four running minima over the shingles
        // to break the dependency chain; the minimum is the same whatever the order.
        for (; i < signature.Length; i++)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block32(ReadOnlySpan<uint> shingles, int first, uint[] signature)
    {
        var multipliers = _multipliers.AsSpan(first);
        var offsets = _offsets.AsSpan(first);
        Vector512<ulong> a0 = Vector512.Create<ulong>(multipliers), a1 = Vector512.Create<ulong>(multipliers[8..]),
            a2 = Vector512.Create<ulong>(multipliers[16..]), a3 = Vector512.Create<ulong>(multipliers[24..]);
        Vector512<ulong> b0 = Vector512.Create<ulong>(offsets), b1 = Vector512.Create<ulong>(offsets[8..]),
            b2 = Vector512.Create<ulong>(offsets[16..]), b3 = Vector512.Create<ulong>(offsets[24..]);
        Vector512<ulong> m0 = Vector512<ulong>.AllBitsSet, m1 = m0, m2 = m0, m3 = m0;
        foreach (var shingle in shingles)
        {
            var x = Vector512.Create((ulong)shingle);
            m0 = Vector512.Min(m0, Vector512.ShiftRightLogical(a0 * x + b0, 32));
            m1 = Vector512.Min(m1, Vector512.ShiftRightLogical(a1 * x + b1, 32));
            m2 = Vector512.Min(m2, Vector512.ShiftRightLogical(a2 * x + b2, 32));
            m3 = Vector512.Min(m3, Vector512.ShiftRightLogical(a3 * x + b3, 32));
        }
        for (var k = 0; k < Vector512<ulong>.Count; k++)
        {
            signature[first + k] = (uint)m0.GetElement(k);
            signature[first + 8 + k] = (uint)m1.GetElement(k);
            signature[first + 16 + k] = (uint)m2.GetElement(k);
            signature[first + 24 + k] = (uint)m3.GetElement(k);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block16(ReadOnlySpan<uint> shingles, int first, uint[] signature)
    {
        var multipliers = _multipliers.AsSpan(first);
        var offsets = _offsets.AsSpan(first);
        Vector256<ulong> a0 = Vector256.Create<ulong>(multipliers), a1 = Vector256.Create<ulong>(multipliers[4..]),
            a2 = Vector256.Create<ulong>(multipliers[8..]), a3 = Vector256.Create<ulong>(multipliers[12..]);
        Vector256<ulong> b0 = Vector256.Create<ulong>(offsets), b1 = Vector256.Create<ulong>(offsets[4..]),
            b2 = Vector256.Create<ulong>(offsets[8..]), b3 = Vector256.Create<ulong>(offsets[12..]);
        Vector256<ulong> m0 = Vector256<ulong>.AllBitsSet, m1 = m0, m2 = m0, m3 = m0;
        foreach (var shingle in shingles)
        {
            var x = Vector256.Create((ulong)shingle);
            m0 = Vector256.Min(m0, Vector256.ShiftRightLogical(a0 * x + b0, 32));
            m1 = Vector256.Min(m1, Vector256.ShiftRightLogical(a1 * x + b1, 32));
            m2 = Vector256.Min(m2, Vector256.ShiftRightLogical(a2 * x + b2, 32));
            m3 = Vector256.Min(m3, Vector256.ShiftRightLogical(a3 * x + b3, 32));
        }
        Store(m0, signature, first);
        Store(m1, signature, first + 4);
        Store(m2, signature, first + 8);
        Store(m3, signature, first + 12);
    }

    // Minima of shifted values fit 32 bits; an empty set leaves all bits set, which narrows to uint.MaxValue.
    private static void Store(Vector256<ulong> minima, uint[] signature, int first)
    {
        for (var k = 0; k < Vector256<ulong>.Count; k++) signature[first + k] = (uint)minima.GetElement(k);
    }

    /// <summary>One key per LSH band: entries sharing any key are candidates for the same story.</summary>
    public long[] BandKeys(ReadOnlySpan<uint> signature)
    {
        var keys = new long[_options.Bands];
        BandKeys(signature, keys);
        return keys;
    }

    /// <summary>The band keys of <paramref name="signature"/> into <paramref name="keys"/> (<see cref="DedupOptions.Bands"/> long).</summary>
    public void BandKeys(ReadOnlySpan<uint> signature, Span<long> keys)
    {
        var rows = _options.Rows;
        for (var band = 0; band < _options.Bands; band++)
        {
            var h = 0x9E3779B97F4A7C15UL * (ulong)(band + 1);
            for (var r = 0; r < rows; r++) h = Mix(h ^ signature[band * rows + r]);
            keys[band] = (long)h;
        }
    }

    /// <summary>Estimated Jaccard similarity of the texts behind two signatures of equal length.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length || a.Length == 0) return 0;
        var equal = 0;
        var i = 0;
        // Stories are found by comparing a new entry with every candidate its bands bring: eight values per instruction.
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<uint>.Count <= a.Length; i += Vector256<uint>.Count)
                equal += BitOperations.PopCount(Vector256.Equals(Vector256.Create(a[i..]), Vector256.Create(b[i..])).ExtractMostSignificantBits());
        }
        for (; i < a.Length; i++) if (a[i] == b[i]) equal++;
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
