using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Normalizing;

/// <summary>
/// The ingest path's text helpers were rewritten to read spans into pooled buffers (issue 14: a third of the poll's
/// allocations). Stored texts, keys and links must not change, so each is checked against the string-by-string code it
/// replaced, kept here as the reference, on every fixture file and on generated HTML full of entities, tags and links.
/// </summary>
public sealed partial class PooledRewriteTests
{
    public static TheoryData<string> FixtureFiles() =>
        [.. Directory.GetFiles(Fixtures.Root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".xml" or ".html" or ".htm" or ".atom" or ".rss" or ".json" or ".md")
            .Select(f => Path.GetRelativePath(Fixtures.Root, f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void HtmlToText_FixtureFile_SameTextAsTheReference(string file)
    {
        var text = Fixtures.Text(file);
        Assert.Equal(ReferenceHtmlToText(text), TextCleaner.HtmlToText(text));
    }

    [Fact]
    public void HtmlToText_GeneratedHtml_SameTextAsTheReference()
    {
        foreach (var html in Generated(seed: 14, count: 4000))
            Assert.Equal(ReferenceHtmlToText(html), TextCleaner.HtmlToText(html));
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Mentions_FixtureFile_SameLinksAsTheReference(string file)
    {
        var text = Fixtures.Text(file);
        Assert.Equal(ReferenceArxivIds(text), ArxivId.FindAll(text));
        Assert.Equal(ReferenceRepos(text), GitHubRepo.FindAll(text));
        Assert.Equal(ReferenceReleases(text), GitHubRepo.FindReleases(text));
    }

    [Fact]
    public void Mentions_GeneratedText_SameLinksAsTheReference()
    {
        var found = 0;
        foreach (var text in Generated(seed: 15, count: 4000))
        {
            var (ids, repos, releases) = (ArxivId.FindAll(text), GitHubRepo.FindAll(text), GitHubRepo.FindReleases(text));
            Assert.Equal(ReferenceArxivIds(text), ids);
            Assert.Equal(ReferenceRepos(text), repos);
            Assert.Equal(ReferenceReleases(text), releases);
            found += ids.Count + repos.Count + releases.Count;
        }
        Assert.True(found > 4000, $"the generated texts name {found} papers and repositories: too few to compare");
    }

    [Fact]
    public void Mentions_RepeatedAndCaseVariantForms_KeepTheFirstSpelling()
    {
        const string text = "arXiv: 2004.10934v2, ARXIV.ORG/abs/2004.10934 and arXiv:\u00a02001.01234; https://GitHub.com/Tencent/ncnn.git "
            + "github.com/tencent/NCNN github.com/Tencent/ncnn/releases/tag/v1.0%2Bfix. github.com/TENCENT/ncnn/RELEASES/TAG/v1.0+fix";
        Assert.Equal(["2004.10934v2", "2001.01234"], ArxivId.FindAll(text).Select(id => id.ToString()));
        Assert.Equal(["Tencent/ncnn"], GitHubRepo.FindAll(text).Select(repo => repo.FullName));
        Assert.Equal([("Tencent/ncnn", "v1.0+fix")], GitHubRepo.FindReleases(text).Select(r => (r.Repo.FullName, r.Tag)));
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void ShingleText_FixtureFile_SameAsTheReference(string file)
    {
        var text = Fixtures.Text(file);
        var half = text.Length / 2;
        Assert.Equal(ReferenceShingleText(text[..half], text[half..]), ShingleText(text[..half], text[half..]));
    }

    [Fact]
    public void ShingleText_GeneratedText_SameAsTheReference()
    {
        // Full-width forms, compatibility characters that lengthen under NFKC, combining marks and Hangul jamo at the edges of URLs.
        string[] pieces =
        [
            "ＡＢＣ１２３", "｜", "：", "，", "\u3000", "ﬁ", "ﷺ", "㍻", "①", "Å", "A\u030a", "\u0301", "e", "\u1100", "\u1161", "\u11a8", "İ", "ß", "Σ",
            "https://arxiv.org/abs/2004.10934", "HTTP://x.y/z\u0301", "http", "://", "量化", "剪枝", "word", " ", "\n", "3.5", "NPU", "\ud83d\ude00",
        ];
        var random = new Random(16);
        for (var i = 0; i < 4000; i++)
        {
            var (first, second) = (new StringBuilder(), new StringBuilder());
            for (var n = random.Next(0, 12); n > 0; n--) first.Append(pieces[random.Next(pieces.Length)]);
            for (var n = random.Next(0, 30); n > 0; n--) second.Append(pieces[random.Next(pieces.Length)]);
            Assert.Equal(ReferenceShingleText(first.ToString(), second.ToString()), ShingleText(first.ToString(), second.ToString()));
        }
    }

    private static string ShingleText(string first, string second)
    {
        var pooled = TextShingles.Normalize(first, second, out var length);
        return new string(pooled, 0, length);
    }

    // Random mixes of the pieces that matter to these parsers: entities (known, unknown, numeric, cut off), tags, script,
    // white space of every kind, markdown links, and paper/code URLs in several spellings.
    private static IEnumerable<string> Generated(int seed, int count)
    {
        string[] pieces =
        [
            "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#39;", "&#x27;", "&#20013;", "&#x1F600;", "&#xD800;", "&#0;", "&#;", "&;",
            "&unknown;", "&AMP;", "&copy;", "&hellip;", "&amp", "&", ";", "&a&b;", "&lt;b&gt;", "&#12", "<p>", "</p>", "<br/>", "<a href=\"x\">", "</a>", "<B>", "</span>", "<span style=\"c\">", "<sub>", "<bx>",
            "<script>var a = '<p>';</script>", "<style>p{}</style>", "<!-- c -->", "<", ">", "< b", "<1>", " ", "  ", "\n", "\t", "\u3000",
            "\u200b", "\ufeff", "\u0007", "\u00a0", "\u0085", "\u2028", "\u202f", "\u0000", "\u009f", "\u180e", "中文", "量化", "word", "3.5", "[label](https://x.org/a)", "![](https://img)", "](",
            "https://arxiv.org/abs/2004.10934", "arxiv.org/pdf/2004.10934v3", "arXiv:2001.01234", "arXiv: hep-th/9901001", "ArXiv:math.CA/0611800v2",
            "arxiv.org/html/1412.1234", "https://github.com/Tencent/ncnn", "github.com/tencent/ncnn.git", "GITHUB.COM/alibaba/MNN/",
            "github.com/about/x", "github.com/Tencent/ncnn/releases/tag/20240410", "github.com/a-b/c.d/releases/tag/v1.2.3%20rc.", "github.com/-x/y",
        ];
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 40); n > 0; n--) text.Append(pieces[random.Next(pieces.Length)]);
            yield return text.ToString();
        }
    }

    // --- The replaced implementations, as they were before the rewrite (build 501402a) ---

    private static readonly string[] InlineElements =
    [
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
    ];

    private static string ReferenceHtmlToText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0) lt = html.Length;
            text.Append(html, i, lt - i);
            i = lt;
            if (i >= html.Length) break;
            if (i + 1 < html.Length && (char.IsLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var close = html.IndexOf('>', i + 1);
                if (close < 0) break;
                var start = i + 1;
                var closing = html[start] == '/';
                if (closing) start++;
                var end = start;
                while (end < html.Length && (char.IsLetterOrDigit(html[end]) || html[end] == '-')) end++;
                var name = string.Concat(html[start..end].Select(InvariantCase.Lower));
                var tag = !closing && name is "script" or "style" ? name : "";
                // Since the inline-element change: an inline element's tags add no space (HTML's phrasing elements).
                var inline = InlineElements.Contains(name);
                i = close + 1;
                if (tag is "script" or "style")
                {
                    var endTag = html.IndexOf("</" + tag, i, StringComparison.OrdinalIgnoreCase);
                    i = endTag < 0 ? html.Length : Math.Max(i, html.IndexOf('>', endTag) + 1);
                    if (i == 0) i = html.Length;
                }
                if (!inline) text.Append(' ');
                continue;
            }
            text.Append('<');
            i++;
        }
        return TextCleaner.PlainLinks(TextCleaner.CollapseWhiteSpace(WebUtility.HtmlDecode(text.ToString())));
    }

    private static string ReferenceShingleText(string first, string second)
    {
        static string Prepare(string text)
        {
            var withoutUrls = text.Contains("http", StringComparison.OrdinalIgnoreCase) ? ReferenceUrl().Replace(text, " ") : text;
            return Ascii.IsValid(withoutUrls) || withoutUrls.IsNormalized(NormalizationForm.FormKC) ? withoutUrls : withoutUrls.Normalize(NormalizationForm.FormKC);
        }
        return string.Concat((Prepare(first) + Prepare(second)).Where(char.IsLetterOrDigit).Select(InvariantCase.Lower));
    }

    private static List<ArxivId> ReferenceArxivIds(string text)
    {
        var found = new List<ArxivId>();
        foreach (Match match in ArxivMention().Matches(text))
            if (ArxivId.TryParse(match.Groups["id"].Value) is { } id && found.All(f => f.Base != id.Base)) found.Add(id);
        return found;
    }

    private static List<GitHubRepo> ReferenceRepos(string text)
    {
        var found = new List<GitHubRepo>();
        foreach (Match match in RepoMention().Matches(text))
            if (GitHubRepo.TryParse($"{match.Groups[1].Value}/{match.Groups[2].Value}") is { } repo && !found.Contains(repo)) found.Add(repo);
        return found;
    }

    private static List<(GitHubRepo Repo, string Tag)> ReferenceReleases(string text)
    {
        var found = new List<(GitHubRepo Repo, string Tag)>();
        foreach (Match match in ReleaseMention().Matches(text))
        {
            var tag = Uri.UnescapeDataString(match.Groups[3].Value.TrimEnd('.', ',', ';', ':', '!', '?'));
            if (tag.Length > 0 && GitHubRepo.TryParse($"{match.Groups[1].Value}/{match.Groups[2].Value}") is { } repo
                && !found.Any(f => f.Repo.Equals(repo) && f.Tag == tag))
                found.Add((repo, tag));
        }
        return found;
    }

    [GeneratedRegex(@"https?://\S+", RegexOptions.IgnoreCase)]
    private static partial Regex ReferenceUrl();

    [GeneratedRegex(@"(?:arxiv\.org/(?:abs|pdf|html)/|arXiv:\s?)(?<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-zA-Z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ArxivMention();

    [GeneratedRegex(@"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]*[A-Za-z0-9_-])", RegexOptions.IgnoreCase)]
    private static partial Regex RepoMention();

    [GeneratedRegex(@"github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]*[A-Za-z0-9_-])/releases/tag/([^\s""'<>()\[\]{}|\\^`#?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ReleaseMention();
}
