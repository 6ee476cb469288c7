using System.Security;
using System.Text;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Small RSS documents written by hand for the fault-injection tests; hostile parts are inserted raw.</summary>
public static class FaultFeeds
{
    /// <summary>One RSS item; <paramref name="rawTitle"/> and <paramref name="rawDescription"/> are inserted as written (not escaped).</summary>
    public static string Item(string rawTitle, string link, string? rawDescription = null, string? guid = null, string? pubDate = null) =>
        $"<item><title>{rawTitle}</title><link>{SecurityElement.Escape(link)}</link>"
        + (rawDescription is null ? "" : $"<description>{rawDescription}</description>")
        + (guid is null ? "" : $"<guid isPermaLink=\"false\">{SecurityElement.Escape(guid)}</guid>")
        + (pubDate is null ? "" : $"<pubDate>{pubDate}</pubDate>")
        + "</item>\n";

    /// <summary>Items titled "<paramref name="prefix"/> i" linking to https://example.org/<paramref name="prefix"/>/i.</summary>
    public static string Items(int count, string prefix = "item", int start = 0) =>
        string.Concat(Enumerable.Range(start, count).Select(i => Item($"{prefix} {i}", $"https://example.org/{prefix}/{i}", $"Summary of {prefix} {i}.",
            pubDate: "Wed, 25 Nov 2020 08:00:00 GMT")));

    /// <summary>An RSS 2.0 document around <paramref name="items"/>; <paramref name="prolog"/> goes between the declaration and the root.</summary>
    public static string Rss(string items, string encoding = "utf-8", string prolog = "") =>
        $"<?xml version=\"1.0\" encoding=\"{encoding}\"?>\n{prolog}<rss version=\"2.0\"><channel><title>Faults</title><link>https://example.org/</link>"
        + $"<description>hand-written test feed</description>\n{items}</channel></rss>\n";

    /// <summary>A well-formed UTF-8 feed of <paramref name="count"/> items, as bytes.</summary>
    public static byte[] Healthy(int count, string prefix = "item") => Encoding.UTF8.GetBytes(Rss(Items(count, prefix)));
}
