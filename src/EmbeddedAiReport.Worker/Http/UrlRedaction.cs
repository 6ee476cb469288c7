using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>Error texts for HTTP readers: the query and user part of every URL in them cut, since they may hold keys or tokens.</summary>
/// <remarks><c>GET /sources</c> names no source URLs; a source's error or warning quotes the address it failed on, and a
/// mirror's or an API's address may carry <c>?key=…</c>. The CLI's <c>sources</c>, run by the operator, keeps them whole.</remarks>
internal static partial class UrlRedaction
{
    /// <summary><paramref name="text"/> with <c>https://user:pass@host/path?query</c> written <c>https://…@host/path?…</c>.</summary>
    public static string? Redact(string? text) =>
        text is null ? null : Url().Replace(text, m =>
            m.Groups["scheme"].Value + (m.Groups["user"].Success ? "…@" : "") + m.Groups["rest"].Value + (m.Groups["query"].Success ? "?…" : "")
            + m.Groups["end"].Value);

    [GeneratedRegex(@"(?<scheme>https?://)(?<user>[^/\s@?#]+@)?(?<rest>[^\s?#]*)(?<query>\?[^\s#]*?)?(?<end>[:;,.)]?)(?=[\s#]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Url();
}
