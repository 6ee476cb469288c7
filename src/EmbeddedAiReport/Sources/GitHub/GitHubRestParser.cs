using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.GitHub;

/// <summary>A GitHub REST <c>GET /repos/{o}/{r}/releases</c> answer (a JSON array) in, releases out; no I/O.</summary>
/// <remarks>Fields per https://docs.github.com/en/rest/releases/releases: <c>tag_name</c>, <c>name</c>, <c>body</c> (markdown), <c>draft</c>, <c>prerelease</c>, <c>published_at</c>, <c>html_url</c>.</remarks>
internal static partial class GitHubRestParser
{
    public static GitHubParse Parse(FetchedDocument document, GitHubRepo requested, DateTimeOffset now)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document.Body);
        }
        catch (JsonException ex)
        {
            var head = Encoding.UTF8.GetString(document.Body.Span[..Math.Min(document.Body.Length, 64)]).TrimStart();
            return GitHubParse.Fail(head.StartsWith('<') ? "got HTML or XML, not the REST API's JSON (check apiUrl)" : $"malformed JSON: {ex.Message}");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message))
                return GitHubParse.Fail($"GitHub API error: {message}");
            if (root.ValueKind != JsonValueKind.Array) return GitHubParse.Fail($"expected a JSON array of releases, got {root.ValueKind}");

            var releases = new List<GitHubRelease>();
            var skipped = new List<string>();
            foreach (var item in root.EnumerateArray())
            {
                var tag = Text(item, "tag_name");
                if (item.ValueKind != JsonValueKind.Object || string.IsNullOrWhiteSpace(tag))
                {
                    skipped.Add("release without tag_name");
                    continue;
                }
                var link = CanonicalUrl.TryParse(Text(item, "html_url"));
                var repo = (link is null ? null : GitHubRepo.TryFromUrl(link)) ?? requested;
                var url = link is not null && GitHubRepo.ReleaseTagFromUrl(link) is not null ? link : new Uri($"{repo.Url}/releases/tag/{Uri.EscapeDataString(tag)}");
                releases.Add(new GitHubRelease(repo, null, tag, Text(item, "name")?.Trim() ?? "", url, Text(item, "body"), NotesAreHtml: false,
                    SourceDates.Parse(Text(item, "published_at"), now) ?? SourceDates.Parse(Text(item, "created_at"), now),
                    Flag(item, "prerelease"), Flag(item, "draft")));
            }
            return GitHubParse.Ok(releases, skipped);
        }
    }

    /// <summary>
    /// The <c>rel="next"</c> address of a <c>Link</c> header (RFC 8288), resolved against <paramref name="baseUri"/>, or null:
    /// GitHub pages its lists so (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
    /// </summary>
    public static Uri? NextLink(string? header, Uri baseUri)
    {
        if (string.IsNullOrEmpty(header)) return null;
        foreach (Match link in LinkValue().Matches(header))
        {
            var rels = link.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rels.Contains("next", StringComparer.OrdinalIgnoreCase) && Uri.TryCreate(baseUri, link.Groups["url"].Value.Trim(), out var next)
                && next.Scheme is "http" or "https")
                return next;
        }
        return null;
    }

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    // <url>; rel="next", <url>; rel="last" (the rel quoted or not, other parameters before or after it).
    [GeneratedRegex(@"<(?<url>[^>]*)>[^,<]*?;\s*rel\s*=\s*(?:""(?<rel>[^""]*)""|(?<rel>[^\s;,]+))", RegexOptions.IgnoreCase)]
    private static partial Regex LinkValue();
}
