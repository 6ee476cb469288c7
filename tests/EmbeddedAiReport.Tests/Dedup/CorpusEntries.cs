using System.Globalization;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// The corpus issues turned into entries as the replay tool feeds them (dated two days before the issue, account split off the
/// title); items as the reference parser listed them (<see cref="ReferenceItems"/>), not as the product parser reads them.
/// </summary>
internal static class CorpusEntries
{
    public sealed record Item(DateOnly Issue, int Index, IssueItem Source, CandidateEntry Entry);

    public static IReadOnlyList<Item> Load()
    {
        var items = new List<Item>();
        foreach (var path in Fixtures.CorpusIssues())
        {
            var issue = DateOnly.ParseExact(Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var parsed = ReferenceItems.Corpus(Path.GetFileName(path));
            var when = new DateTimeOffset(issue.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).AddDays(-2);
            for (var i = 0; i < parsed.Count; i++)
            {
                var item = parsed[i];
                if (CanonicalUrl.TryParse(item.Url) is not { } uri) continue;
                var (title, account) = IssueMarkdownParser.SplitAccount(item.Title);
                var key = EntryKey.For(uri);
                var summary = item.Summary.Length > 0 ? item.Summary : title;
                items.Add(new Item(issue, i, item, new CandidateEntry
                {
                    CanonicalKey = key, Url = item.Url, Title = title, Summary = summary, Account = account,
                    Published = when.AddMinutes(i).ToUniversalTime(), Section = item.Section, Links = Mentions.Find(key, title, summary),
                }));
            }
        }
        return items;
    }

    /// <summary>How replay.py retells a story under another account: a loud prefix, the summary cut to 3/4, a credit line.</summary>
    public static CandidateEntry Retell(Item original)
    {
        var e = original.Entry;
        var summary = original.Source.Summary.Length > 0 ? original.Source.Summary : e.Title;
        var code = $"rw{original.Issue:yyyyMMdd}{original.Index:000}RetoldStory";
        var retold = summary[..(summary.Length * 3 / 4)] + "（本文转载自" + (e.Account ?? "其他公众号") + "，有删改）";
        var key = EntryKey.For(new Uri("https://mp.weixin.qq.com/s/" + code));
        return e with
        {
            CanonicalKey = key, Url = "https://mp.weixin.qq.com/s/" + code, Title = "重磅｜" + e.Title, Summary = retold, Account = "转载精选",
            Published = e.Published?.AddHours(3), Links = Mentions.Find(key, "重磅｜" + e.Title, retold),
        };
    }

    public static EntryWrite Write(CandidateEntry entry) => new(entry, "feed", entry.Section ?? "news", 1, []);
}
