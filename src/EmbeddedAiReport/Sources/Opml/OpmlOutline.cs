namespace EmbeddedAiReport.Sources.Opml;

/// <summary>One feed of an OPML subscription list: an <c>outline</c> with an <c>xmlUrl</c>.</summary>
/// <param name="Title">The outline's <c>title</c>, else its <c>text</c>, trimmed; empty when it has neither.</param>
/// <param name="XmlUrl">The feed's address as written (trimmed).</param>
/// <param name="HtmlUrl">The site's address as written, or null.</param>
/// <param name="Line">The outline's line in the file, to name it in messages.</param>
/// <param name="Section">Its <c>section</c> attribute (<see cref="OpmlWriter"/> writes a source's section there), or null.</param>
/// <param name="Schedule">Its <c>schedule</c> attribute (a source's schedule, written likewise), or null.</param>
/// <param name="Disabled">True when it says <c>enabled="false"</c> (a disabled source's outline).</param>
public sealed record OpmlOutline(string Title, string XmlUrl, string? HtmlUrl, int Line, string? Section = null, string? Schedule = null, bool Disabled = false)
{
    /// <summary>How messages name the outline: its line, title and address.</summary>
    public string Describe() => $"line {Line}: {(Title.Length > 0 ? $"'{Title}' " : "")}<{XmlUrl}>";
}
