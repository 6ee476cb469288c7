using System.Globalization;
using System.Web;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>Reads and rewrites the paging parameters of arXiv addresses (<c>skip</c>/<c>show</c>, <c>start</c>/<c>max_results</c>).</summary>
internal static class ArxivQuery
{
    /// <summary>An integer query parameter of <paramref name="uri"/>, or null.</summary>
    public static int? Get(Uri uri, string name) =>
        int.TryParse(HttpUtility.ParseQueryString(uri.Query)[name], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary><paramref name="uri"/> with the parameters set (added or replaced), others kept in order.</summary>
    public static Uri With(Uri uri, params (string Name, int Value)[] values)
    {
        var query = HttpUtility.ParseQueryString(uri.Query);
        foreach (var (name, value) in values) query[name] = value.ToString(CultureInfo.InvariantCulture);
        var parts = query.AllKeys.Where(k => k is not null)
            .Select(k => $"{Escape(k!)}={Escape(query[k] ?? "")}");
        return new UriBuilder(uri) { Query = string.Join('&', parts) }.Uri;
    }

    /// <summary>Escapes a query value the way arXiv's documentation writes them: spaces as <c>+</c>.</summary>
    public static string Escape(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal)
        .Replace("%3A", ":", StringComparison.Ordinal);
}
