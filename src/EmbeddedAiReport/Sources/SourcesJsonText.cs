using System.Text;
using System.Text.Json;

namespace EmbeddedAiReport.Sources;

/// <summary>Adds sources to the text of a sources.json without touching anything the operator wrote: comments, order, spacing stay byte for byte.</summary>
/// <remarks>
/// The daemon reads sources.json with comments and trailing commas allowed (<see cref="SourceCatalog.Parse"/>), which a
/// JSON serializer would drop or reorder on a round trip. So the new objects are inserted as text, after the last element
/// of the <c>sources</c> array, one per line with that element's indentation and the file's line ends.
/// </remarks>
public static class SourcesJsonText
{
    /// <summary>The bytes of <paramref name="original"/> with <paramref name="objects"/> (JSON objects, one line each) added at the end of its <c>sources</c> array, or why it cannot be edited safely.</summary>
    public static (byte[]? Text, string? Problem) Append(byte[] original, IReadOnlyList<string> objects)
    {
        var start = original.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var reader = new Utf8JsonReader(original.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        int? keyStart = null, arrayOpen = null, arrayClose = null, lastStart = null, lastEnd = null;
        var arrayDepth = -1;
        var seen = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("sources"u8))
                {
                    seen++;
                    keyStart = start + (int)reader.TokenStartIndex;
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return (null, "its \"sources\" is not a list");
                    arrayOpen = start + (int)reader.TokenStartIndex;
                    arrayDepth = reader.CurrentDepth;
                    continue;
                }
                if (arrayOpen is null || arrayClose is not null || seen > 1) continue;
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth)
                {
                    arrayClose = start + (int)reader.TokenStartIndex;
                    continue;
                }
                if (reader.CurrentDepth != arrayDepth + 1) continue;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    lastStart = start + (int)reader.TokenStartIndex;
                    reader.Skip();
                }
                else lastStart = start + (int)reader.TokenStartIndex;
                lastEnd = start + (int)reader.BytesConsumed;
            }
        }
        catch (JsonException ex)
        {
            return (null, $"not valid JSON: {ex.Message}");
        }
        if (seen > 1) return (null, "it has \"sources\" more than once");
        if (arrayOpen is not { } open || arrayClose is null || keyStart is not { } key) return (null, "it has no \"sources\" list");

        var newline = original.AsSpan().IndexOf("\r\n"u8) >= 0 ? "\r\n" : "\n";
        var keyIndent = IndentOf(original, key) ?? "";
        string inserted;
        int at;
        if (lastEnd is { } end && lastStart is { } last)
        {
            var indent = IndentOf(original, last) ?? keyIndent + "  ";
            inserted = string.Concat(objects.Select(o => "," + newline + indent + o));
            at = end;
        }
        else
        {
            var indent = keyIndent + "  ";
            inserted = newline + indent + string.Join("," + newline + indent, objects) + (arrayClose == open + 1 ? newline + keyIndent : "");
            at = open + 1;
        }
        var bytes = Encoding.UTF8.GetBytes(inserted);
        var text = new byte[original.Length + bytes.Length];
        original.AsSpan(0, at).CopyTo(text);
        bytes.CopyTo(text, at);
        original.AsSpan(at).CopyTo(text.AsSpan(at + bytes.Length));
        return (text, null);
    }

    // The spaces and tabs before `position` on its line, or null when something else stands there before it.
    private static string? IndentOf(byte[] text, int position)
    {
        var lineStart = position;
        while (lineStart > 0 && text[lineStart - 1] is not ((byte)'\n' or (byte)'\r')) lineStart--;
        var before = text.AsSpan(lineStart, position - lineStart);
        if (lineStart == 0 && before.StartsWith("\uFEFF"u8)) before = before[3..];
        return before.IndexOfAnyExcept(" \t"u8) < 0 ? Encoding.ASCII.GetString(before) : null;
    }
}
