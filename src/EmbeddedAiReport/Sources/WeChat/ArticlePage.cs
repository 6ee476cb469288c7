using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>What an mp.weixin.qq.com article page tells about its article.</summary>
/// <param name="Published">The real publish time (script variable <c>ct</c>, unix seconds), UTC.</param>
/// <param name="Description">The author's summary (<c>meta[name=description]</c>, <c>og:description</c>, <c>msg_desc</c>), plain text.</param>
/// <param name="Body">The article text (<c>#js_content</c>), plain text.</param>
/// <param name="LongLink">The permanent long link (<c>og:url</c>, <c>msg_link</c>, or built from <c>biz</c>/<c>mid</c>/<c>idx</c>).</param>
public sealed record ArticlePage(string? Title, string? Account, DateTimeOffset? Published, string? Description, string Body, WeChatArticleLink? LongLink);
