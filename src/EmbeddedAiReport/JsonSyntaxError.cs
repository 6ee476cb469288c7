using System.Text;
using System.Text.Json;

namespace EmbeddedAiReport;

/// <summary>Says where a JSON file is broken as an editor counts: <c>line 14, column 5: …</c>.</summary>
/// <remarks>
/// System.Text.Json counts lines from 0 and positions in UTF-8 bytes (<c>LineNumber: 13 | BytePositionInLine: 4</c>);
/// a config message must match what a text editor shows, Chinese text before the error included.
/// </remarks>
public static class JsonSyntaxError
{
    /// <summary>The problem of <paramref name="exception"/> with a 1-based line and character column in <paramref name="text"/>.</summary>
    public static string Describe(JsonException exception, string? text)
    {
        var message = exception.Message;
        var path = exception.Path is { Length: > 1 } p ? $" (at {p})" : "";
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut >= 0) message = message[..cut];
        }
        message = message.Trim().TrimEnd('.') + path;
        if (exception.LineNumber is not { } line) return message;
        return $"line {line + 1}, column {Column(text, line, exception.BytePositionInLine ?? 0)}: {message}";
    }

    private static long Column(string? text, long line, long bytes)
    {
        if (text is null) return bytes + 1;
        var start = 0;
        for (var i = 0; i < line; i++)
        {
            var next = text.IndexOf('\n', start);
            if (next < 0) return bytes + 1;
            start = next + 1;
        }
        var end = text.IndexOf('\n', start);
        var content = text.AsSpan(start, (end < 0 ? text.Length : end) - start);
        long used = 0;
        var column = 1;
        foreach (var rune in content.EnumerateRunes())
        {
            if (used >= bytes) break;
            used += rune.Utf8SequenceLength;
            column++;
        }
        return column;
    }
}
