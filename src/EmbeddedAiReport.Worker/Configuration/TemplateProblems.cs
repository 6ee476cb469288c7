using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>A template's unknown variables and members (<see cref="TemplateCheck"/>) as config problems: file, line, name, and the names meant.</summary>
internal static class TemplateProblems
{
    /// <summary>One line per unknown name: <c>templates/draft.md.liquid: line 22: item.titel: item has no member 'titel'; did you mean title? (members: …)</c>.</summary>
    public static IEnumerable<string> Of(string file, IReadOnlyList<UnknownTemplateMember> unknown) => unknown.Select(u =>
    {
        var line = u.Line is { } number ? $"line {number}: " : "";
        if (u.Owner == TemplateCheck.FilterOwner)
        {
            return $"{file}: {line}{u.Path}: no such filter, so the value would pass through unchanged{CloseNames.Meant(u.Name, u.Known)}";
        }
        var what = u.Owner.Length == 0 ? "no such variable" : $"{u.Owner} has no member '{u.Name}'";
        var meant = CloseNames.Meant(u.Name, u.Known);
        var known = $" ({(u.Owner.Length == 0 ? "variables" : "members")}: {string.Join(", ", u.Known)})";
        return $"{file}: {line}{u.Path}: {what}{meant}{known}";
    });
}
