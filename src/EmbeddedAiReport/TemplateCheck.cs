using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;

namespace EmbeddedAiReport;

/// <summary>Finds the variables and members a parsed Liquid template reads that its <see cref="TemplateModel"/> does not have.</summary>
/// <remarks>
/// Liquid renders an unknown name as empty text, so a misspelt <c>{{ item.titel }}</c> would silently empty every title.
/// This walks the template's syntax tree once (no rendering, microseconds: it runs wherever the template is loaded), following
/// <c>for</c> loops to the element type of the list they iterate. Lists and text also have <c>size</c>, <c>first</c> and
/// <c>last</c>; variables a template sets itself (<c>assign</c>, <c>capture</c>, macros) and <c>forloop</c>
/// are accepted without further checks. A filter Liquid does not have (<c>| upcas</c>) passes its value through unchanged, as
/// silently: it is reported too, with <c>|</c> as its owner.
/// </remarks>
public static partial class TemplateCheck
{
    private static readonly string[] Builtins = ["size", "first", "last"];
    private static readonly HashSet<string> Always = new(StringComparer.Ordinal) { "forloop", "tablerowloop", "empty", "blank", "nil", "null", "true", "false" };

    /// <summary>Every unknown name <paramref name="template"/> reads, once per path as written, in template order.</summary>
    /// <param name="source">The template's text, to give each problem the line it first appears on.</param>
    /// <param name="filters">The filters the template is rendered with (<see cref="TemplateOptions.Filters"/>); null: not checked.</param>
    public static IReadOnlyList<UnknownTemplateMember> Find(IFluidTemplate template, string source, TemplateModel model, FilterCollection? filters = null)
    {
        var own = new OwnVariables();
        own.VisitTemplate(template);
        var walker = new Walker(model, own.Names, filters);
        walker.VisitTemplate(template);
        return walker.Problems
            .DistinctBy(p => p.Path)
            .Select(p => p with { Line = p.Owner == FilterOwner ? FilterLineOf(source, p.Name) : LineOf(source, p.Path) })
            .ToList();
    }

    /// <summary>
    /// Why <paramref name="template"/> cannot be rendered when it includes another file (<c>include</c>, <c>render</c>), or
    /// null: templates are rendered without a file system, so such a tag failed every render with only the file's name.
    /// </summary>
    public static string? IncludeProblem(IFluidTemplate template, string source, string templateName)
    {
        var includes = new Includes();
        includes.VisitTemplate(template);
        if (!includes.Found) return null;
        var match = Regex.Match(source, @"\{%-?\s*(include|render)\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var line = match.Success ? $"line {LineAt(source, match.Index)}: " : "";
        var tag = match.Success ? match.Groups[1].Value : "include";
        return $"{templateName}: {line}{{% {tag} %}}: a template cannot include other files; write their text into this one";
    }

    private sealed class Includes : AstVisitor
    {
        public bool Found { get; private set; }

        protected override Statement VisitIncludeStatement(IncludeStatement includeStatement)
        {
            Found = true;
            return base.VisitIncludeStatement(includeStatement);
        }

        protected override Statement VisitRenderStatement(RenderStatement renderStatement)
        {
            Found = true;
            return base.VisitRenderStatement(renderStatement);
        }
    }

    /// <summary>The <see cref="UnknownTemplateMember.Owner"/> of an unknown filter.</summary>
    public const string FilterOwner = "|";

    // The 1-based line of the first "| name" (any space after the bar), or null.
    private static int? FilterLineOf(string source, string name) => FirstLine(source, @"\|\s*" + Regex.Escape(name) + @"(?![\w-])");

    // The 1-based line where the path first appears as written (a.b.c, any space around the dots), or null.
    private static int? LineOf(string source, string path)
    {
        if (path.Contains('[', StringComparison.Ordinal)) return null;
        return FirstLine(source, @"(?<![\w.])" + string.Join(@"\s*\.\s*", path.Split('.').Select(Regex.Escape)) + @"(?!\w)");
    }

    // The 1-based line of the first match of `pattern` in `source`, or null.
    private static int? FirstLine(string source, string pattern)
    {
        var match = Regex.Match(source, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? LineAt(source, match.Index) : null;
    }

    private static int LineAt(string source, int index) => source.AsSpan(0, index).Count('\n') + 1;

    // What a value is known to be: a view (its members are checked), a list of views or of text, text, or unknown (unchecked).
    private readonly record struct Shape(Type? View, Type? ListOf, bool Known)
    {
        public static Shape Unknown => default;
        public static Shape ViewOf(Type type) => new(type, null, true);
        public static Shape List(Type element) => new(null, element, true);
    }

    private sealed class Walker(TemplateModel model, IReadOnlySet<string> ownVariables, FilterCollection? filters) : AstVisitor
    {
        private readonly List<(string Name, Shape Shape)> _loops = [];

        public List<UnknownTemplateMember> Problems { get; } = [];

        protected override Expression VisitFilterExpression(FilterExpression filterExpression)
        {
            if (filters is not null && !filters.TryGetValue(filterExpression.Name, out _))
                Problems.Add(new UnknownTemplateMember(FilterOwner + " " + filterExpression.Name, filterExpression.Name, null, FilterOwner,
                    [.. filters.Select(f => f.Key).Order(StringComparer.Ordinal)]));
            return base.VisitFilterExpression(filterExpression);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            var source = forStatement.Source is MemberExpression member ? ShapeOf(member, report: false) : Shape.Unknown;
            _loops.Add((forStatement.Identifier, source.ListOf is { } element ? Shape.ViewOf(element) : Shape.Unknown));
            try
            {
                return base.VisitForStatement(forStatement);
            }
            finally
            {
                _loops.RemoveAt(_loops.Count - 1);
            }
        }

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            ShapeOf(memberExpression, report: true);
            return base.VisitMemberExpression(memberExpression);
        }

        private Shape ShapeOf(MemberExpression expression, bool report)
        {
            var segments = expression.Segments;
            if (segments.Count == 0 || segments[0] is not IdentifierSegment { Identifier: var root }) return Shape.Unknown;
            var path = root;
            Shape shape;
            var loop = _loops.FindLastIndex(l => l.Name == root);
            if (loop >= 0) shape = _loops[loop].Shape;
            else if (Always.Contains(root) || ownVariables.Contains(root)) shape = Shape.Unknown;
            else if (model.MembersOf(model.Root) is { } roots && roots.Contains(root)) shape = Member(model.Root, root);
            else
            {
                if (report)
                    Problems.Add(new UnknownTemplateMember(path, root, null, "",
                        [.. (model.MembersOf(model.Root) ?? []).Concat(_loops.Select(l => l.Name)).Distinct().Order(StringComparer.Ordinal)]));
                return Shape.Unknown;
            }
            for (var i = 1; i < segments.Count && shape.Known; i++)
            {
                if (segments[i] is not IdentifierSegment { Identifier: var name })
                {
                    path += "[…]";
                    shape = segments[i] is IndexerSegment && shape.ListOf is { } element ? Shape.ViewOf(element) : Shape.Unknown;
                    continue;
                }
                var owner = path;
                path += "." + name;
                IReadOnlyCollection<string> known;
                if (shape.ListOf is { } items)
                {
                    if (name is "first" or "last") { shape = Shape.ViewOf(items); continue; }
                    if (name == "size") { shape = Shape.Unknown; continue; }
                    known = Builtins;
                }
                else if (model.MembersOf(shape.View!) is { } members)
                {
                    if (members.Contains(name)) { shape = Member(shape.View!, name); continue; }
                    known = members;
                }
                else
                {
                    // Text (a view type with no members registered).
                    if (Builtins.Contains(name)) { shape = Shape.Unknown; continue; }
                    known = Builtins;
                }
                if (report) Problems.Add(new UnknownTemplateMember(path, name, null, owner, known));
                return Shape.Unknown;
            }
            return shape;
        }

        private Shape Member(Type owner, string name) => model.ElementOf(owner, name) is { } element ? Shape.List(element) : Shape.Unknown;
    }

    // The names a template gives values itself. Not an increment/decrement counter: Liquid keeps counters apart from variables,
    // so `{% increment n %}{{ n }}` reads an n nobody set (empty text).
    private sealed class OwnVariables : AstVisitor
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Names.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            Names.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Statement VisitMacroStatement(MacroStatement macroStatement)
        {
            Names.Add(macroStatement.Identifier);
            foreach (var argument in macroStatement.Arguments)
                if (argument.Name is { } name) Names.Add(name);
            return base.VisitMacroStatement(macroStatement);
        }
    }
}

/// <summary>A name a template reads that its model does not have: it would render as empty text.</summary>
/// <param name="Path">The path as far as the unknown name (<c>item.titel</c>).</param>
/// <param name="Name">The unknown variable or member.</param>
/// <param name="Line">The 1-based line of the template where the path first appears, when it can be found.</param>
/// <param name="Owner">The path whose member it is (<c>item</c>); empty for an unknown variable.</param>
/// <param name="Known">The names that exist there.</param>
public sealed record UnknownTemplateMember(string Path, string Name, int? Line, string Owner, IReadOnlyCollection<string> Known);
