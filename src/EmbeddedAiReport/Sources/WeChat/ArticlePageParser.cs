using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>An mp.weixin.qq.com article page in, an <see cref="ArticlePage"/> or the reason there is none (deleted, anti-bot) out.</summary>
/// <remarks>
/// Selectors follow RSSHub's lib/utils/wechat-mp.ts and the 2018 pages in Fixtures/wechat-article-html (sources.md §3):
/// WeChat renders most metadata into script variables (<c>var ct</c>, <c>var msg_title</c>, <c>var biz</c>), and the
/// layout changed over the years, so each field has fallbacks. A page with no article and no known error text is
/// treated as an anti-bot page: backing off is the safe reading.
/// </remarks>
public static partial class ArticlePageParser
{
    // Texts of WeChat's error pages (weui-msg) for articles that no longer exist.
    private static readonly string[] GoneMarkers = ["已被发布者删除", "链接已过期", "此内容因违规无法查看", "此内容被投诉且经审核涉嫌侵权", "该内容已被删除"];

    // Anti-bot pages: WeChat's "环境异常" verification page and Sogou's "访问过于频繁" captcha (Sogou-based mirrors).
    private static readonly string[] BlockedMarkers = ["环境异常", "完成验证后即可继续访问", "访问过于频繁", "请输入验证码"];

    /// <summary>Reads <paramref name="document"/>; never throws for bad input.</summary>
    public static (ArticlePage? Page, ParseOutcome? Failure) Parse(FetchedDocument document)
    {
        var path = document.FinalUri.AbsolutePath;
        if (path.Contains("captcha", StringComparison.OrdinalIgnoreCase) || path.Contains("antispider", StringComparison.OrdinalIgnoreCase))
            return (null, new ParseOutcome.Blocked($"redirected to a verification page ({path})"));

        var (html, error) = HtmlDocumentLoader.Load(document);
        if (html is null) return (null, new ParseOutcome.WrongFormat(error!));

        var scripts = string.Join('\n', html.QuerySelectorAll("script").Select(s => s.TextContent));
        foreach (var element in html.QuerySelectorAll("script, style, noscript").ToList()) element.Remove();

        var content = html.GetElementById("js_content") ?? html.QuerySelector(".rich_media_content");
        var body = TextCleaner.CollapseWhiteSpace(content?.TextContent ?? "");
        var ogTitle = Meta(html, "meta[property='og:title']");
        if (body.Length == 0 && ogTitle is null)
        {
            var text = TextCleaner.CollapseWhiteSpace((html.Title ?? "") + " " + (html.Body?.TextContent ?? ""));
            if (GoneMarkers.FirstOrDefault(m => text.Contains(m, StringComparison.Ordinal)) is { } gone) return (null, new ParseOutcome.Gone(gone));
            if (BlockedMarkers.FirstOrDefault(m => text.Contains(m, StringComparison.Ordinal)) is { } blocked) return (null, new ParseOutcome.Blocked(blocked));
            return (null, new ParseOutcome.Blocked("no article content and no known error text (probably an anti-bot page)"));
        }

        var title = ogTitle ?? ScriptVar(scripts, "msg_title") ?? Text(html.GetElementById("activity-name")) ?? Clean(html.Title);
        var account = Text(html.GetElementById("js_name")) ?? Text(html.QuerySelector(".wx_follow_nickname"))
            ?? Text(html.QuerySelector(".profile_nickname")) ?? Clean(TextCleaner.CollapseWhiteSpace(ScriptVar(scripts, "nickname") ?? ""));   // a JS string may hold \x1b
        var description = Meta(html, "meta[name='description']") ?? Meta(html, "meta[property='og:description']") ?? ScriptVar(scripts, "msg_desc");
        return (new ArticlePage(title, account, PublishTime(scripts), description is null ? null : TextCleaner.HtmlToText(description), body,
            LongLink(html, scripts)), null);
    }

    private static DateTimeOffset? PublishTime(string scripts)
    {
        var match = CreateTime().Match(scripts);
        if (!match.Success) return null;
        var seconds = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        // Before 2012 there were no official-account articles; a smaller number is not a publish time.
        return seconds is > 1_325_376_000 and < 32_503_680_000 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    private static WeChatArticleLink? LongLink(IDocument html, string scripts)
    {
        foreach (var candidate in new[] { Meta(html, "meta[property='og:url']"), ScriptVar(scripts, "msg_link") })
            if (WeChatArticleLink.TryParse(candidate) is { Form: WeChatLinkForm.Long } link) return link;
        var biz = ScriptVar(scripts, "biz");
        var mid = ScriptVar(scripts, "mid") ?? ScriptVar(scripts, "appmsgid");
        var idx = ScriptVar(scripts, "idx") ?? ScriptVar(scripts, "itemidx");
        if (biz is null || mid is null || idx is null) return null;
        var sn = ScriptVar(scripts, "sn");
        var url = $"https://mp.weixin.qq.com/s?__biz={Uri.EscapeDataString(biz)}&mid={Uri.EscapeDataString(mid)}&idx={Uri.EscapeDataString(idx)}"
            + (sn is null ? "" : "&sn=" + Uri.EscapeDataString(sn));
        return WeChatArticleLink.TryParse(url) is { Form: WeChatLinkForm.Long } built ? built : null;
    }

    /// <summary>
    /// The value of <c>var NAME = "" || "value"</c> in the page's scripts: the first non-empty quoted string, as the
    /// JavaScript <c>||</c> would pick it; JavaScript and HTML escapes decoded.
    /// </summary>
    private static string? ScriptVar(string scripts, string name)
    {
        var declaration = new Regex($@"\bvar\s+{Regex.Escape(name)}\s*=\s*((?:""(?:[^""\\\r\n]|\\.)*""|'(?:[^'\\\r\n]|\\.)*'|[^;'""\r\n])*)", RegexOptions.None, TimeSpan.FromSeconds(1)).Match(scripts);
        if (!declaration.Success) return null;
        foreach (Match quoted in Quoted().Matches(declaration.Groups[1].Value))
        {
            var raw = quoted.Groups[1].Success ? quoted.Groups[1].Value : quoted.Groups[2].Value;
            var value = Clean(WebUtility.HtmlDecode(JsEscape().Replace(raw, DecodeJsEscape)));
            if (value is not null) return value;
        }
        return null;
    }

    private static string DecodeJsEscape(Match match)
    {
        var value = match.Value;
        return value[1] switch
        {
            'x' => ((char)int.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
            'u' => ((char)int.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
            'n' or 'r' or 't' => " ",
            _ => value[1].ToString(),
        };
    }

    private static string? Meta(IDocument html, string selector) => Clean(html.QuerySelector(selector)?.GetAttribute("content"));

    private static string? Text(IElement? element) => element is null ? null : Clean(TextCleaner.CollapseWhiteSpace(element.TextContent));

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // RSSHub reads ct; newer pages also write create_time.
    // [0-9], not \d: \d also takes other scripts' digits (full-width １５２３…), which long.Parse does not read.
    [GeneratedRegex("""\b(?:ct|create_time)\s*=\s*["']([0-9]{9,11})["']""")]
    private static partial Regex CreateTime();

    [GeneratedRegex("""
        "((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'
        """)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|.)")]
    private static partial Regex JsEscape();
}
