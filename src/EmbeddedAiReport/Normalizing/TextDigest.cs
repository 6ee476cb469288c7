using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>
/// Hex digests of text: the first bytes of SHA-256 over its UTF-8, through a pooled buffer rather than a byte array per text.
/// Stored keys and fingerprints are made with these (upper- or lower-case as each was first written), so their values never change.
/// </summary>
public static class TextDigest
{
    /// <summary>The first <paramref name="bytes"/> bytes (at most 32) of SHA-256 over the UTF-8 of <paramref name="text"/>, in upper-case hex.</summary>
    public static string Sha256Hex(ReadOnlySpan<char> text, int bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256(text, hash);
        return Convert.ToHexString(hash[..bytes]);
    }

    /// <summary>As <see cref="Sha256Hex"/>, in lower-case hex.</summary>
    public static string Sha256HexLower(ReadOnlySpan<char> text, int bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        Sha256(text, hash);
        return Convert.ToHexStringLower(hash[..bytes]);
    }

    private static void Sha256(ReadOnlySpan<char> text, Span<byte> hash)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            SHA256.HashData(utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8)), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
