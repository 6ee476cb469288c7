namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>The mirror software that turns WeChat accounts into feeds; it decides how a feed address is built.</summary>
public enum MirrorFlavor
{
    /// <summary>cooderl/wewe-rss: <c>{mirror}/feeds/{feed}.{rss|atom|json}</c>, feed ids like <c>MP_WXS_123</c> or <c>all</c>.</summary>
    WeweRss,

    /// <summary>RSSHub: <c>{mirror}/{route}</c>, a route such as <c>wechat/wechat2rss/ID</c>; a bare id means that route.</summary>
    RssHub,

    /// <summary>ttttmr/Wechat2RSS: <c>{mirror}/feed/{feed}.xml</c>.</summary>
    Wechat2Rss,
}
