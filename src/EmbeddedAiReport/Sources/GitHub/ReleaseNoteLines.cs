using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using EmbeddedAiReport.Normalizing;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>The lines of plain text in release notes, markdown (REST) read with Markdig and HTML (Atom) with AngleSharp.</summary>
/// <remarks>
/// Headings, code, tables, images and horizontal rules say nothing an editor would quote, so they give no line; nor does a
/// "Contributors" section (GitHub's "New Contributors" lists people, not changes), up to the next heading. Every paragraph,
/// list item and other block ends a line; inline markup (emphasis, links, code spans) keeps its text within the line.
/// </remarks>
internal static class ReleaseNoteLines
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UsePipeTables().Build();

    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase) { "pre", "table", "img", "script", "style", "template", "svg" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "header",
        "hr", "li", "main", "nav", "ol", "p", "section", "summary", "tr", "ul",
    };

    /// <summary>The lines of markdown <paramref name="notes"/>.</summary>
    public static IReadOnlyList<string> OfMarkdown(string notes)
    {
        var lines = new Lines();
        Walk(Markdig.Markdown.Parse(notes, Markdown), lines);
        return lines.Result;
    }

    /// <summary>The lines of HTML <paramref name="notes"/>.</summary>
    public static IReadOnlyList<string> OfHtml(string notes)
    {
        var lines = new Lines();
        OfHtml(notes, lines);
        return lines.Result;
    }

    private static void OfHtml(string html, Lines lines)
    {
        var document = new HtmlParser().ParseDocument(html);
        if (document.Body is { } body) Walk(body, lines);
        lines.Break();
    }

    private static void Walk(ContainerBlock container, Lines lines)
    {
        foreach (var block in container)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    lines.Heading(Text(heading.Inline));
                    break;
                case CodeBlock or ThematicBreakBlock or Table or LinkReferenceDefinitionGroup:
                    break;
                case HtmlBlock html:   // raw HTML inside markdown (<details>, <p align="center">, comments): its text, as in HTML notes
                    OfHtml(html.Lines.ToString(), lines);
                    break;
                case ContainerBlock inner:   // lists, list items, quotes
                    Walk(inner, lines);
                    break;
                case LeafBlock { Inline: { } inline }:
                    lines.Add(Text(inline));
                    lines.Break();
                    break;
            }
        }
    }

    private static void Walk(INode node, Lines lines)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                lines.Add(text.Data);
                continue;
            }
            if (child is not IElement element || Dropped.Contains(element.LocalName)) continue;
            if (element.LocalName is ['h' or 'H', >= '1' and <= '6'])
            {
                lines.Heading(element.TextContent);
                continue;
            }
            var block = Blocks.Contains(element.LocalName);
            if (block) lines.Break();
            Walk(element, lines);
            if (block) lines.Break();
        }
    }

    // The text of inline markdown; a hard or soft line break ends a line, as the notes' author broke it.
    private static string Text(ContainerInline? container)
    {
        var text = new StringBuilder();
        Append(container, text);
        return text.ToString();
    }

    private static void Append(ContainerInline? container, StringBuilder text)
    {
        if (container is null) return;
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LinkInline { IsImage: true } or HtmlInline:   // images and badges; inline tags (their text is outside them)
                    break;
                case ContainerInline inner:   // emphasis, links: their text
                    Append(inner, text);
                    break;
                case LiteralInline literal:
                    text.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case AutolinkInline link:
                    text.Append(link.Url);
                    break;
                case HtmlEntityInline entity:
                    text.Append(entity.Transcoded.AsSpan());
                    break;
                case LineBreakInline:
                    text.Append('\n');
                    break;
            }
        }
    }

    // Collects lines in document order; after a heading naming contributors, nothing until the next heading.
    private sealed class Lines
    {
        private readonly List<string> _lines = [];
        private readonly StringBuilder _current = new();
        private bool _credits;

        public IReadOnlyList<string> Result
        {
            get
            {
                Break();
                return _lines;
            }
        }

        public void Add(string text)
        {
            if (!_credits) _current.Append(text);
        }

        public void Heading(string text)
        {
            Break();
            _credits = text.Contains("contributor", StringComparison.OrdinalIgnoreCase);
        }

        public void Break()
        {
            foreach (var line in _current.ToString().Split('\n'))
            {
                var clean = TextCleaner.PlainLinks(TextCleaner.CollapseWhiteSpace(line));
                if (clean.Length > 0) _lines.Add(clean);
            }
            _current.Clear();
        }
    }
}
