namespace EmbeddedAiReport;

/// <summary>The known names closest to a mistyped one (<c>quantisation</c> → <c>quantization</c>), for usage errors and config problems.</summary>
public static class CloseNames
{
    /// <summary>Up to <paramref name="most"/> of <paramref name="known"/> within a few edits of <paramref name="wanted"/> or containing it, closest first.</summary>
    public static IReadOnlyList<string> Among(string wanted, IEnumerable<string> known, int most = 3)
    {
        var needle = wanted.Trim().ToLowerInvariant();
        var allowed = Math.Max(2, needle.Length / 3);
        return known
            .Select(name => (Name: name, Distance: Distance(needle, name.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed || c.Name.Contains(needle, StringComparison.OrdinalIgnoreCase)
                        || (needle.Length >= 3 && needle.Contains(c.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(most)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary><c>; did you mean a or b?</c> naming <paramref name="close"/> (from <see cref="Among"/>), or "" when it is empty.</summary>
    public static string Meant(IReadOnlyList<string> close) => close.Count > 0 ? $"; did you mean {string.Join(" or ", close)}?" : "";

    /// <summary><see cref="Meant(IReadOnlyList{string})"/> of the names of <paramref name="known"/> close to <paramref name="wanted"/>.</summary>
    public static string Meant(string wanted, IEnumerable<string> known) => Meant(Among(wanted, known));

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each costing one.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
