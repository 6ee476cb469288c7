using System.Buffers;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Storage;

/// <summary>What tells a changed entry from an unchanged one: a hash of everything stored from the candidate.</summary>
public static class EntryContentHash
{
    public static string Of(CandidateEntry entry)
    {
        // SHA-256 of the UTF-8 of string.Join('\u001f', url, title, summary, account, prefix, version, published, link targets joined by ','),
        // written into pooled buffers: every entry of every poll is hashed.
        var links = entry.Links;
        var capacity = entry.Url.Length + entry.Title.Length + entry.Summary.Length + (entry.Account?.Length ?? 0)
            + (entry.Prefix?.Length ?? 0) + 64;
        foreach (var link in links) capacity += link.Target.Length + 1;
        var chars = ArrayPool<char>.Shared.Rent(capacity);
        try
        {
            var length = 0;
            void Put(ReadOnlySpan<char> text)
            {
                text.CopyTo(chars.AsSpan(length));
                length += text.Length;
            }
            Put(entry.Url);
            Put("\u001f");
            Put(entry.Title);
            Put("\u001f");
            Put(entry.Summary);
            Put("\u001f");
            Put(entry.Account);
            Put("\u001f");
            Put(entry.Prefix);
            Put("\u001f");
            // Formatted as object.ToString() formats them (the current culture), as string.Join did.
            if (entry.Version is { } version && version.TryFormat(chars.AsSpan(length), out var written, provider: null)) length += written;
            Put("\u001f");
            if (entry.Published?.ToUnixTimeSeconds() is { } seconds && seconds.TryFormat(chars.AsSpan(length), out written, provider: null)) length += written;
            Put("\u001f");
            for (var i = 0; i < links.Count; i++)
            {
                if (i > 0) Put(",");
                Put(links[i].Target);
            }
            return TextDigest.Sha256Hex(chars.AsSpan(0, length), 12);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
