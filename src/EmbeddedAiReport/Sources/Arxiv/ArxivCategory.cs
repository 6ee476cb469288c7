using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>The <c>category</c> field shared by the arXiv kinds: an archive (<c>cs</c>) or a subject class (<c>cs.LG</c>, <c>eess.SP</c>, <c>q-bio.NC</c>).</summary>
internal static partial class ArxivCategory
{
    public const string Field = "category";

    /// <summary>Problems with the <c>category</c> field; <paramref name="many"/> allows a list (combined with <c>+</c> as arXiv's feeds do).</summary>
    public static IEnumerable<string> Validate(SourceDefinition source, bool required, bool many)
    {
        var present = source.Settings.ContainsKey(Field);
        var names = source.GetStrings(Field);
        if (!present)
        {
            if (required) yield return $"{Field}: required unless url is set (e.g. \"cs.LG\")";
            yield break;
        }
        if (names.Count == 0) yield return $"{Field}: expected {(many ? "a category or a list of categories" : "a category")} such as \"cs.LG\"";
        if (!many && names.Count > 1) yield return $"{Field}: one category per source (got {names.Count})";
        foreach (var name in names.Where(n => !IsCategory(n)))
            yield return $"{Field}: '{name}' is not an arXiv category (e.g. cs.LG, eess.SP, cs)";
    }

    /// <summary>The configured categories joined as arXiv writes a combination (<c>cs.LG+cs.CV</c>).</summary>
    public static string Joined(SourceDefinition source) => string.Join('+', source.GetStrings(Field));

    /// <summary>True when <paramref name="name"/> is written as an arXiv category (<c>cs.LG</c>, <c>eess.SP</c>, <c>cs</c>).</summary>
    public static bool IsCategory(string name) => Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z][a-z\-]*(\.[A-Za-z][A-Za-z\-]*)?$")]
    private static partial Regex Pattern();
}
