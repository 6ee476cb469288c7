using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>Hex digests of text (short ones on the ingest path), through a pooled buffer rather than a byte array per text.</summary>
public static class TextDigest
{
    /// <summary>The first <paramref name="bytes"/> bytes (at most 32) of SHA-256 over the UTF-8 of <paramref name="text"/>, in upper-case hex.</summary>
    public static string Sha256Hex(ReadOnlySpan<char> text, int bytes)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, utf8)), hash);
            return Convert.ToHexString(hash[..bytes]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }
}
