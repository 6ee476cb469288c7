using System.Globalization;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

/// <summary>The dates feeds write, as the fixtures and the RFCs show them, read to one UTC instant.</summary>
public sealed class SourceDatesTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // RFC 822 as feeds write it (fixtures: arxiv-rss, wechat-mirror-feed, generic-feed).
    [InlineData("Tue, 12 May 2020 12:21:09 +0800", "2020-05-12T04:21:09Z")]
    [InlineData("Mon, 11 May 2020 09:40:00 GMT", "2020-05-11T09:40:00Z")]
    [InlineData("Fri, 23 Feb 2024 00:00:00 -0500", "2024-02-23T05:00:00Z")]
    [InlineData("  Wed, 17 Oct 2018 10:30:00 GMT  ", "2018-10-17T10:30:00Z")]
    // RFC 822's US zone names; CST is US Central (-0600) as the RFC says, not China.
    [InlineData("Wed, 17 Oct 2018 10:30:00 EDT", "2018-10-17T14:30:00Z")]
    [InlineData("Wed, 17 Oct 2018 10:30:00 CST", "2018-10-17T16:30:00Z")]
    [InlineData("Wed, 17 Oct 2018 10:30:00 UT", "2018-10-17T10:30:00Z")]
    // Without the weekday, without seconds, a two-digit year.
    [InlineData("17 Oct 2018 10:30:00 PST", "2018-10-17T18:30:00Z")]
    [InlineData("Wed, 17 Oct 2018 10:30 +0000", "2018-10-17T10:30:00Z")]
    [InlineData("Wed, 17 Oct 18 10:30:00 GMT", "2018-10-17T10:30:00Z")]
    // ISO 8601 / RFC 3339 (Atom, arXiv API, GitHub REST), with fractions and offsets.
    [InlineData("2018-12-30T04:50:20Z", "2018-12-30T04:50:20Z")]
    [InlineData("2020-01-19T16:08:59+11:00", "2020-01-19T05:08:59Z")]
    [InlineData("2024-02-23T08:00:00.1234567+08:00", "2024-02-23T00:00:00.1234567Z")]
    [InlineData("2018-09-17 11:19:42+08:00", "2018-09-17T03:19:42Z")]
    // No zone at all (rssparser_news_qq_gb2312.xml): UTC unless the source documents another.
    [InlineData("2018-09-17 11:19:42", "2018-09-17T11:19:42Z")]
    [InlineData("2024-02-23", "2024-02-23T00:00:00Z")]
    // Unreadable or absurd: no date rather than a wrong one.
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("yesterday", null)]
    [InlineData("Τρι, 29 Ιούν 2004 12:53:00 GMT", null)]   // feedparser_illformed_iso8859-7_date.xml: Greek day and month names
    [InlineData("Mon, 01 Jan 1979 00:00:00 GMT", null)]    // before 1990
    [InlineData("2024-03-03T00:00:01Z", null)]             // more than two days after now
    [InlineData("2024-03-02T23:59:59Z", "2024-03-02T23:59:59Z")]
    public void Parse_FeedDate_IsTheInstantInUtc(string? text, string? expected)
    {
        var parsed = SourceDates.Parse(text, Now);

        Assert.Equal(expected, Iso(parsed));
        if (parsed is { } value) Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    // An offset written after GMT or UTC, as Chinese sites often do: 4 May 2020 10:00 at +08:00 is 02:00 UTC.
    [InlineData("Mon, 04 May 2020 10:00:00 GMT+0800", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 GMT+8", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 UTC+08:00", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 GMT -5", "2020-05-04T15:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 GMT+0530", "2020-05-04T04:30:00Z")]
    // A comment after the offset, and a zone name after it: the numeric offset wins (so "+0800 CST" is China's).
    [InlineData("Mon, 04 May 2020 10:00:00 +0000 (UTC)", "2020-05-04T10:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 +0800 GMT", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 +0800 CST", "2020-05-04T02:00:00Z")]
    // A weekday that does not match the date (4 May 2020 was a Monday) is ignored.
    [InlineData("Fri, 04 May 2020 10:00:00 +0800", "2020-05-04T02:00:00Z")]
    [InlineData("Fri, 04 May 2020 10:00:00 GMT", "2020-05-04T10:00:00Z")]
    [InlineData("Thu, 04 May 2020 10:00 JST", "2020-05-04T01:00:00Z")]
    // JavaScript's Date.toString().
    [InlineData("Mon May 04 2020 10:00:00 GMT+0800 (China Standard Time)", "2020-05-04T02:00:00Z")]
    [InlineData("Mon May 04 2020 10:00:00 GMT+0000 (Coordinated Universal Time)", "2020-05-04T10:00:00Z")]
    [InlineData("Mon May 04 2020 10:00:00 GMT-0700 (Pacific Daylight Time)", "2020-05-04T17:00:00Z")]
    // Java's Date.toString(), the zone's name before the year (RFC 822's US zones as everywhere else).
    [InlineData("Tue May 12 12:21:09 GMT 2020", "2020-05-12T12:21:09Z")]
    [InlineData("Tue May 12 12:21:09 EDT 2020", "2020-05-12T16:21:09Z")]
    [InlineData("Tue May 12 12:21:09 CST 2020", "2020-05-12T18:21:09Z")]
    [InlineData("Tue May 12 12:21:09 XYZ 2020", null)]
    // Its four-letter zones (Australia/Sydney's AEST, +10:00) and the form without seconds are read too (mutation audit 16).
    [InlineData("Tue May 12 12:21:09 AEST 2020", "2020-05-12T02:21:09Z")]
    [InlineData("Tue May 12 12:21 EDT 2020", "2020-05-12T16:21:00Z")]
    // Zone names beyond RFC 822's, each at 10:00 local on 4 May 2020.
    [InlineData("Mon, 04 May 2020 10:00:00 WET", "2020-05-04T10:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 WEST", "2020-05-04T09:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 BST", "2020-05-04T09:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 CET", "2020-05-04T09:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 CEST", "2020-05-04T08:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 EET", "2020-05-04T08:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 EEST", "2020-05-04T07:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 MSK", "2020-05-04T07:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 IST", "2020-05-04T04:30:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 HKT", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 SGT", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 AWST", "2020-05-04T02:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 JST", "2020-05-04T01:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 KST", "2020-05-04T01:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 ACST", "2020-05-04T00:30:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 AEST", "2020-05-04T00:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 AEDT", "2020-05-03T23:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 NZST", "2020-05-03T22:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 NZDT", "2020-05-03T21:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 HST", "2020-05-04T20:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 AKST", "2020-05-04T19:00:00Z")]
    [InlineData("Mon, 04 May 2020 10:00:00 AKDT", "2020-05-04T18:00:00Z")]
    // Still no date: an ambiguous or unknown zone name, an offset past +14:00, a bad day, and the range limits.
    [InlineData("Mon, 04 May 2020 10:00:00 PT", null)]
    [InlineData("Mon, 04 May 2020 10:00:00 AST", null)]
    [InlineData("Mon, 04 May 2020 10:00:00 GMT+15", null)]
    [InlineData("Fri, 32 May 2020 10:00:00 +0800", null)]
    [InlineData("Mon Jan 01 1979 10:00:00 GMT+0800 (China Standard Time)", null)]
    [InlineData("Sat Mar 09 2024 10:00:00 GMT+0800 (China Standard Time)", null)]
    public void Parse_DeviantFeedDate_IsTheInstantInUtc(string text, string? expected)
    {
        var parsed = SourceDates.Parse(text, Now);

        Assert.Equal(expected, Iso(parsed));
        if (parsed is { } value) Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    // A source that documents its zone (arXiv's US Eastern listings, a Chinese site in +08:00) applies it to zoneless dates only.
    [InlineData("2018-09-17 11:19:42", "2018-09-17T03:19:42Z")]
    [InlineData("2024-02-23", "2024-02-22T16:00:00Z")]
    [InlineData("2018-09-17 11:19:42+00:00", "2018-09-17T11:19:42Z")]
    [InlineData("2018-09-17T11:19:42Z", "2018-09-17T11:19:42Z")]
    [InlineData("Mon, 17 Sep 2018 11:19:42 GMT", "2018-09-17T11:19:42Z")]
    public void Parse_AssumedOffset_AppliesOnlyWhereTheTextHasNone(string text, string expected)
    {
        var parsed = SourceDates.Parse(text, Now, TimeSpan.FromHours(8));

        Assert.Equal(expected, Iso(parsed));
    }

    [Theory]
    // A source in China (a WeChat mirror): "CST" is China Standard Time, as Java, Go and PHP print it in Asia/Shanghai.
    [InlineData("Tue, 12 May 2020 12:21:09 CST", "2020-05-12T04:21:09Z")]
    [InlineData("12 May 2020 12:21:09 cst", "2020-05-12T04:21:09Z")]
    [InlineData("Fri, 12 May 2020 12:21:09 CST", "2020-05-12T04:21:09Z")]   // a weekday that does not match (the deviant path)
    [InlineData("Tue May 12 12:21:09 CST 2020", "2020-05-12T04:21:09Z")]   // Java's Date.toString() in Asia/Shanghai
    // Every other written zone stays what it says.
    [InlineData("Tue, 12 May 2020 12:21:09 +0800 CST", "2020-05-12T04:21:09Z")]
    [InlineData("Tue, 12 May 2020 12:21:09 CDT", "2020-05-12T17:21:09Z")]
    [InlineData("Tue, 12 May 2020 12:21:09 EST", "2020-05-12T17:21:09Z")]
    [InlineData("Tue, 12 May 2020 12:21:09 GMT", "2020-05-12T12:21:09Z")]
    [InlineData("2020-05-12T12:21:09-06:00", "2020-05-12T18:21:09Z")]
    public void Parse_ChinaSource_ReadsCstAsChinaStandardTime(string text, string expected)
    {
        Assert.Equal(expected, Iso(SourceDates.Parse(text, Now, SourceDates.China)));
        // Without the source's zone, CST stays RFC 822's US Central.
        if (text.EndsWith("CST", StringComparison.OrdinalIgnoreCase) && !text.Contains('+'))
            Assert.Equal(expected.Replace("T04:", "T18:", StringComparison.Ordinal), Iso(SourceDates.Parse(text, Now)));
    }

    private static string? Iso(DateTimeOffset? instant) => instant?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
