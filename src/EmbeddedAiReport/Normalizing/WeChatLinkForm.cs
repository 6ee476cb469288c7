namespace EmbeddedAiReport.Normalizing;

/// <summary>Which of WeChat's URL forms an article address used.</summary>
public enum WeChatLinkForm
{
    /// <summary><c>/s/CODE</c>.</summary>
    Short,

    /// <summary><c>/s?__biz=&amp;mid=&amp;idx=&amp;sn=</c>, permanent.</summary>
    Long,

    /// <summary><c>/s?src=&amp;timestamp=&amp;ver=&amp;signature=</c>, expires.</summary>
    Temporary,
}
