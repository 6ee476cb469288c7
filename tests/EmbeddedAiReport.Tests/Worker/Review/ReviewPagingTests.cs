using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>
/// The review page of a week with more entries out of the draft than a page shows (README, the review page): the draft's
/// entries in full, a page of the others per section and a plain link to the next page, the counts whole.
/// </summary>
public sealed class ReviewPagingTests
{
    private const int PageSize = 100;   // README: "the first 100 entries out of the draft"

    [Fact]
    public async Task Page_AWeekWithMoreEntriesOutOfTheDraftThanAPage_ShowsAPageAndALinkToTheNext_TheDraftAlwaysInFull()
    {
        // The real past issues' items (every issue of the corpus, 450), all dated in the review site's week: flooded sections.
        await using var site = await ReviewSite.StartAsync();
        var known = site.Items.Select(i => i.Url).ToHashSet();
        var items = Directory.GetFiles(Fixtures.PathOf("corpus-items"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(f => CorpusFeeds.Items(Path.ChangeExtension(Path.GetFileName(f), ".md")))
            .Where(i => known.Add(i.Url))
            .ToList();
        site.Serve([.. site.Items, .. items]);
        var poll = await site.CliAsync("poll");
        Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);

        // What is in and out of the draft in each section, as `entries --explain` says it (not the page's code); the section
        // with the most entries out of the draft is the one paged here.
        var explain = await site.CliAsync("entries", "--week", ReviewSite.Week, "--limit", "0", "--explain");
        Assert.Equal(0, explain.ExitCode);
        var decisions = Regex.Matches(explain.Out, @"^ *(\d+)  \S+ +\S+  (\S+) .*?\n(?:(?! *\d+  ).*\n)*? {8}draft: ([^\n]*)", RegexOptions.Multiline)
            .Select(m => (Id: long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Section: m.Groups[2].Value, Decision: m.Groups[3].Value)).ToList();
        Assert.Equal(Regex.Matches(explain.Out, "^ {8}draft: ", RegexOptions.Multiline).Count, decisions.Count);
        // A story's other members are folded under the entry that represents it: the rest out of the draft are rows of their own.
        bool Row(string decision) => !decision.StartsWith("in draft", StringComparison.Ordinal) && !decision.StartsWith("out: not its story's primary", StringComparison.Ordinal);
        var slug = decisions.Where(d => Row(d.Decision)).GroupBy(d => d.Section).MaxBy(g => g.Count())!.Key;
        var inDraft = decisions.Where(d => d.Section == slug && d.Decision.StartsWith("in draft", StringComparison.Ordinal)).Select(d => d.Id).ToHashSet();
        var outOfDraft = decisions.Where(d => d.Section == slug && Row(d.Decision)).Select(d => d.Id).ToHashSet();
        var total = outOfDraft.Count;
        Assert.InRange(total, PageSize + 1, 3 * PageSize);   // more than a page: the test's premise
        (HashSet<long> In, List<long> Out) Articles(string html) => SectionArticles(html, slug);
        string MoreLine(string html) => SectionMoreLine(html, slug);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.BaseUri };
        var first = await http.GetStringAsync($"review/{ReviewSite.Week}");
        var (firstIn, firstOut) = Articles(first);

        Assert.Equal(inDraft, firstIn);
        Assert.Equal(PageSize, firstOut.Count);
        Assert.Subset(outOfDraft, firstOut.ToHashSet());
        var more = $"out of the draft: 1–{PageSize} of {total} shown · show the next {Math.Min(PageSize, total - PageSize)} (of {total})";
        Assert.Equal(more, WebUtility.HtmlDecode(Regex.Replace(MoreLine(first), "<[^>]+>", "")));
        var next = Regex.Match(MoreLine(first), "<a href=\"([^\"]+)\">show the next").Groups[1].Value;
        Assert.Equal($"/review/{ReviewSite.Week}?more={slug}%3A{PageSize}#sec-{slug}", next);
        // The counts stay whole: the section's items of the draft, and the draft of all the week's entries.
        Assert.Contains($"<b>{inDraft.Count}</b>/", Regex.Match(first, $"<a href=\"#sec-{slug}\"[^>]*>.*?</a>").Value);

        var secondHtml = await http.GetStringAsync(next.TrimStart('/'));
        var (secondIn, secondOut) = Articles(secondHtml);

        Assert.Equal(inDraft, secondIn);   // the draft's items are on every page
        Assert.Equal(Math.Min(PageSize, total - PageSize), secondOut.Count);
        Assert.Empty(secondOut.Intersect(firstOut));
        Assert.Equal($"out of the draft: {PageSize + 1}–{Math.Min(total, 2 * PageSize)} of {total} shown · show the first {PageSize}",
            WebUtility.HtmlDecode(Regex.Replace(MoreLine(secondHtml), "<[^>]+>", "")).Split(" · show the next")[0]);
        Assert.Equal(Regex.Match(first, "<span class=\"total\">.*?</span>").Value, Regex.Match(secondHtml, "<span class=\"total\">.*?</span>").Value);
        // Publish still covers the whole draft, whichever page it is pressed on.
        Assert.Equal(ShownDraft(first), ShownDraft(secondHtml));

        // Every page in turn shows every entry out of the draft once.
        var seen = firstOut.Concat(secondOut).ToList();
        for (var offset = 2 * PageSize; offset < total; offset += PageSize)
            seen.AddRange(Articles(await http.GetStringAsync($"review/{ReviewSite.Week}?more={slug}:{offset}")).Out);
        Assert.Equal(outOfDraft.Order(), seen.Order());

        // An entry of the second page the editor shortlists is in the draft, so on the first page from then on.
        var picked = secondOut[0];
        Assert.Equal(0, (await site.CliAsync("mark", picked.ToString(CultureInfo.InvariantCulture), "--status", "shortlisted")).ExitCode);
        Assert.Contains(picked, Articles(await http.GetStringAsync($"review/{ReviewSite.Week}")).In);
    }

    [Theory]
    [InlineData("papers")]
    [InlineData("papers:")]
    [InlineData("papers:-1")]
    [InlineData("papers:1e3")]
    [InlineData("papers:99999999999")]
    [InlineData("nosuch:0")]
    [InlineData(":100")]
    public async Task Page_AMalformedMore_Is400SayingWhatItTakes(string more)
    {
        await using var site = await ReviewSite.StartAsync();
        using var http = new HttpClient { BaseAddress = site.BaseUri };

        var response = await http.GetAsync($"review/{ReviewSite.Week}?more={Uri.EscapeDataString(more)}");
        var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("more", problem.GetProperty("parameter").GetString());
        Assert.Equal($"more: '{more}' is not SECTION:OFFSET, a section of the page (news, papers, opensource, blogs, -other) and a number of its entries out of the draft to skip, at most 2147483647",
            problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"review/{ReviewSite.Week}?more=papers:0&more=papers:100")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"review/{ReviewSite.Week}?more=PAPERS:0")).StatusCode);
    }

    // A section's entries: those in the draft, and the others in page order (story members are inside their rows).
    private static (HashSet<long> In, List<long> Out) SectionArticles(string html, string slug)
    {
        var section = Section(html, slug);
        var rows = Regex.Matches(section, "<article class=\"entry status-[a-z]+ (in|out)\" id=\"e(\\d+)\"")
            .Select(m => (In: m.Groups[1].Value == "in", Id: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        return (rows.Where(r => r.In).Select(r => r.Id).ToHashSet(), rows.Where(r => !r.In).Select(r => r.Id).ToList());
    }

    private static string SectionMoreLine(string html, string slug) => Regex.Match(Section(html, slug), "<p class=\"more\">(.*?)</p>").Groups[1].Value;

    private static string Section(string html, string slug) =>
        Regex.Match(html, $"<section class=\"section\" id=\"sec-{slug}\">.*?</section>", RegexOptions.Singleline).Value;

    private static string ShownDraft(string html) => Regex.Match(html, "name=\"shown_draft\" value=\"([0-9a-f]+)\"").Groups[1].Value;
}
