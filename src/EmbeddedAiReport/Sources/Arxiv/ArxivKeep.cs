namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>The <c>keep</c> field of the arXiv kinds: which announcement types a source stores.</summary>
/// <remarks>Default: new submissions and cross-lists; replacements are left out because they bring back old papers.</remarks>
internal sealed class ArxivKeep
{
    public const string Field = "keep";

    private static readonly Dictionary<string, ArxivAnnouncement> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["new"] = ArxivAnnouncement.New,
        ["cross"] = ArxivAnnouncement.Cross,
        ["replace"] = ArxivAnnouncement.Replace,
        ["replace-cross"] = ArxivAnnouncement.ReplaceCross,
    };

    private readonly HashSet<ArxivAnnouncement> _types;

    private ArxivKeep(HashSet<ArxivAnnouncement> types) => _types = types;

    /// <summary>The types <paramref name="source"/> keeps (default new and cross).</summary>
    public static ArxivKeep Of(SourceDefinition source)
    {
        var names = source.GetStrings(Field);
        if (names.Count == 0) return new ArxivKeep([ArxivAnnouncement.New, ArxivAnnouncement.Cross]);
        return new ArxivKeep(names.Select(ParseName).OfType<ArxivAnnouncement>().ToHashSet());
    }

    public bool Keeps(ArxivAnnouncement announcement) => _types.Contains(announcement);

    /// <summary>The announcement type a name stands for (<c>new</c>, <c>cross</c>, <c>replace</c>, <c>replace-cross</c>), or null.</summary>
    public static ArxivAnnouncement? ParseName(string? name) =>
        name is not null && Names.TryGetValue(name.Trim(), out var type) ? type : null;

    /// <summary>Problems with the <c>keep</c> field; <paramref name="allowed"/> lists the names this kind can tell apart.</summary>
    public static IEnumerable<string> Validate(SourceDefinition source, IReadOnlyCollection<string> allowed)
    {
        if (!source.Settings.TryGetValue(Field, out var value)) yield break;
        var names = source.GetStrings(Field);
        if (names.Count == 0)
        {
            yield return $"{Field}: expected a list of announcement types ({string.Join(", ", allowed)})";
            yield break;
        }
        if (value.ValueKind == System.Text.Json.JsonValueKind.Array && names.Count != value.GetArrayLength())
            yield return $"{Field}: every element must be a string ({string.Join(", ", allowed)})";
        foreach (var name in names.Where(n => !allowed.Contains(n.Trim(), StringComparer.OrdinalIgnoreCase)))
            yield return $"{Field}: unknown announcement type '{name}' (use {string.Join(", ", allowed)})";
    }
}
