namespace EmbeddedAiReport.Sources.Opml;

/// <summary>One feed of an OPML subscription list: an <c>outline</c> with an <c>xmlUrl</c>.</summary>
/// <param name="Title">The outline's <c>title</c>, else its <c>text</c>, trimmed; empty when it has neither.</param>
/// <param name="XmlUrl">The feed's address as written (trimmed).</param>
/// <param name="HtmlUrl">The site's address as written, or null.</param>
/// <param name="Line">The outline's line in the file, to name it in messages.</param>
/// <param name="Section">Its <c>section</c> attribute (<see cref="OpmlWriter"/> writes a source's section there), or null.</param>
/// <param name="Schedule">Its <c>schedule</c> attribute (a source's schedule, written likewise), or null.</param>
/// <param name="Disabled">True when it says <c>enabled="false"</c> (a disabled source's outline).</param>
/// <param name="Settings">
/// Its <see cref="SettingNames"/> attributes in the <see cref="Namespace"/> namespace (<see cref="OpmlWriter"/> writes a
/// source's <c>keep</c>, <c>days</c>, <c>limit</c> and <c>weight</c> there), each with its text as written; null when it has none.
/// </param>
public sealed record OpmlOutline(string Title, string XmlUrl, string? HtmlUrl, int Line, string? Section = null, string? Schedule = null, bool Disabled = false,
    IReadOnlyList<KeyValuePair<string, string>>? Settings = null)
{
    /// <summary>
    /// The namespace of the attributes that carry sources.json settings no address says (OPML 2.0 takes attributes of its own
    /// only in a namespace; readers pass them by).
    /// </summary>
    public const string Namespace = "urn:embedded-ai-report:opml";

    /// <summary>The prefix <see cref="OpmlWriter"/> gives <see cref="Namespace"/>.</summary>
    public const string Prefix = "eair";

    /// <summary>The sources.json fields an outline carries as attributes of <see cref="Namespace"/>, in the order they are written.</summary>
    public static IReadOnlyList<string> SettingNames { get; } = ["keep", "days", "limit", "weight"];

    /// <summary>How messages name the outline: its line, title and address.</summary>
    public string Describe() => $"line {Line}: {(Title.Length > 0 ? $"'{Title}' " : "")}<{XmlUrl}>";
}
