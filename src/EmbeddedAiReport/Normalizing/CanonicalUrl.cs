using System.Text;

namespace EmbeddedAiReport.Normalizing;

/// <summary>The identity of a generic URL: lower-case host without <c>www.</c>, no fragment, no tracking parameters, no trailing slash.</summary>
/// <remarks>Source-specific forms (arXiv, WeChat, GitHub) get their own keys in their folders; this is the fallback.</remarks>
public static class CanonicalUrl
{
    // Tracking parameters: utm_* (Google Analytics), spm/scm (Alibaba), from/source/ref (share links),
    // fbclid/gclid/yclid/msclkid (ad click ids), WeChat share noise. Same spirit as miniflux's urlcleaner list.
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "spm", "scm", "ref", "ref_src", "source", "share_source", "share_medium", "share_token", "fbclid", "gclid", "yclid", "msclkid",
        "mc_cid", "mc_eid", "igshid", "s_r", "isappinstalled", "wfr", "timestamp", "utm_id", "_hsenc", "_hsmi", "chksm", "scene", "srcid",
        "clicktime", "enterid", "mpshare", "pass_ticket", "exportkey", "sessionid", "ascene", "devicetype", "version", "nettype", "lang",
    };

    /// <summary>True for query parameters that only track where a click came from.</summary>
    public static bool IsTrackingParameter(string name) =>
        TrackingParameters.Contains(name) || name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("sharer_", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses an absolute http(s) URL, tolerating surrounding spaces and HTML-escaped ampersands.</summary>
    public static Uri? TryParse(string? text, Uri? baseUri = null)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var cleaned = text.Trim().Replace("&amp;", "&", StringComparison.Ordinal);
        if (Uri.TryCreate(cleaned, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        if (baseUri is not null && Uri.TryCreate(baseUri, cleaned, out var resolved) && resolved.Scheme is "http" or "https") return resolved;
        return null;
    }

    /// <summary>The canonical form of <paramref name="uri"/> as <c>host/path?sorted-query</c>, without scheme.</summary>
    public static string Normalize(Uri uri)
    {
        var host = uri.IdnHost.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var builder = new StringBuilder(host.Length + uri.AbsolutePath.Length + 16).Append(host);
        if (!uri.IsDefaultPort) builder.Append(':').Append(uri.Port);

        var path = uri.AbsolutePath;
        if (path.Length > 1) path = path.TrimEnd('/');
        if (path != "/") builder.Append(path);

        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            var kept = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !IsTrackingParameter(p.Split('=', 2)[0]))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (kept.Count > 0) builder.Append('?').AppendJoin('&', kept);
        }
        return builder.ToString();
    }

    /// <summary>The entry key for a generic URL: <c>url:</c> + <see cref="Normalize"/>.</summary>
    public static string Key(Uri uri) => "url:" + Normalize(uri);
}
