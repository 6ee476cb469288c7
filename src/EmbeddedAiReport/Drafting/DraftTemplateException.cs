using System.Globalization;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;
using Fluid;

namespace EmbeddedAiReport.Drafting;

/// <summary>The draft template cannot be parsed or rendered; the message names the position.</summary>
public sealed partial class DraftTemplateException(string message) : Exception(message)
{
    /// <summary>
    /// The template <paramref name="template"/> (text <paramref name="source"/>) does not parse: Fluid's
    /// <paramref name="error"/> says the problem, its position and the whole line over three lines (<c>… at (14:6)</c>,
    /// <c>Source:</c>, the line); this says it in one, as <c>line 14, column 6: problem (at '{% if -%}')</c>, with the tag
    /// the position is in rather than the whole line, so that validate, export and the daemon's reload (4103) give one line.
    /// </summary>
    /// <param name="tags">The tags the parser knows (<c>FluidParser.RegisteredTags</c>): a mistyped one is named, with the one meant.</param>
    internal static DraftTemplateException ParseFailed(string template, string source, string error, IEnumerable<string> tags)
    {
        var match = FluidError().Match(error);
        if (!match.Success) return new($"{template}: {string.Join(' ', error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))}");
        var line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture);
        var lines = source.ReplaceLineEndings("\n").Split('\n');
        var at = line >= 1 && line <= lines.Length ? TagAt(lines[line - 1], column) : "";
        var problem = UnknownTag(match.Groups["problem"].Value, at, tags) ?? match.Groups["problem"].Value;
        return new($"{template}: line {line}, column {column}: {problem}{(at.Length > 0 ? $" (at '{at}')" : "")}");
    }

    // Fluid names a mistyped tag only outside a block ("Unknown tag 'iff'"); inside one (a section's loop) it says the end tag it
    // expected where the tag is ("'{% endfor %}' was expected" at {% iff s %}), which sends the editor to the wrong tag.
    // Either way: the unknown tag, and the known one meant, as config problems say a misspelt name.
    private static string? UnknownTag(string problem, string at, IEnumerable<string> tags)
    {
        var name = UnknownTagError().Match(problem) is { Success: true } unknown ? unknown.Groups["name"].Value
            : EndExpected().IsMatch(problem) && TagName().Match(at) is { Success: true } tag ? tag.Groups["name"].Value
            : null;
        if (name is null) return null;
        var registered = tags.ToList();
        // Block tags end with end<name>; if, case and for have their inner tags.
        string[] blocks = ["if", "unless", "case", "for", "capture", "comment", "raw"];
        var known = registered.Concat(blocks.Where(registered.Contains).Select(b => "end" + b)).Concat(["else", "elsif", "when"]).Distinct().ToList();
        return known.Contains(name, StringComparer.Ordinal) ? null : $"unknown tag '{name}'{CloseNames.Meant(name, known)}";
    }

    [GeneratedRegex(@"\AUnknown tag '(?<name>[^']*)'\z", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownTagError();

    [GeneratedRegex(@"\A'\{% end\w+ %\}' was expected\z", RegexOptions.CultureInvariant)]
    private static partial Regex EndExpected();

    [GeneratedRegex(@"\A\{%-?\s*(?<name>[^\s%-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex TagName();

    // The tag ({% %} or {{ }}) the 1-based column is in, else the line from that column, cut short.
    private static string TagAt(string text, int column)
    {
        var position = Math.Clamp(column - 1, 0, text.Length);
        var from = Math.Min(position + 1, text.Length - 1);
        var start = from < 1 ? -1 : Math.Max(text.LastIndexOf("{%", from, StringComparison.Ordinal), text.LastIndexOf("{{", from, StringComparison.Ordinal));
        if (start < 0) return TextCleaner.Truncate(text[position..].Trim(), 60);
        var close = text.IndexOf(text[start + 1] == '%' ? "%}" : "}}", start + 2, StringComparison.Ordinal);
        if (close < 0) return TextCleaner.Truncate(text[start..].Trim(), 60);   // a tag left open
        return close + 2 > position ? text[start..(close + 2)] : TextCleaner.Truncate(text[position..].Trim(), 60);
    }

    // Fluid's message: "<problem> at (<line>:<column>)", then "Source:" and the template's line (not after "Unknown tag 'x'").
    [GeneratedRegex(@"\A(?<problem>.+?) at \((?<line>\d+):(?<column>\d+)\)(\r?\nSource:|\s*\z)", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex FluidError();

    /// <summary>
    /// Whether rendering a template threw <paramref name="exception"/> because of the template: Fluid's own errors, and what
    /// .NET throws inside a filter (<c>| divided_by: 0</c> a DivideByZeroException, <c>| times:</c> past decimal's range an
    /// OverflowException, an argument it cannot use). Each is said in one line naming the template, not as a stack trace.
    /// </summary>
    internal static bool IsRenderFailure(Exception exception) => exception is ParseException or InvalidOperationException or ArgumentException
        or ArithmeticException or FormatException or InvalidCastException;

    /// <summary>The failure <paramref name="exception"/> (<see cref="IsRenderFailure"/>) of the template <paramref name="template"/>.</summary>
    internal static DraftTemplateException RenderingFailed(string template, Exception exception) => new($"{template}: rendering failed: {exception.Message}");
}
