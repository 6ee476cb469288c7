using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Review;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>
/// The review page of a week with more entries out of the draft than a page shows (README, the review page): the draft's
/// entries in full, a page of the others per section and a plain link to the next page, the counts whole.
/// </summary>
public sealed class ReviewPagingTests
{
    private const int PageSize = 100;   // README: "the first 100 entries out of the draft"

    /// <summary>
    /// Floods <paramref name="site"/>'s week with the real past issues' items (every issue of the corpus, 450) and says, as
    /// `entries --explain` does (not the page's code), which section has the most entries out of the draft, its entries in
    /// the draft, and those out of it that are rows of their own (a story's other members are folded under its primary).
    /// </summary>
    internal static async Task<(string Slug, HashSet<long> InDraft, HashSet<long> OutOfDraft)> FloodAsync(ReviewSite site)
    {
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
        Assert.InRange(outOfDraft.Count, PageSize + 1, 3 * PageSize);   // more than a page: the tests' premise
        return (slug, inDraft, outOfDraft);
    }

    [Fact]
    public async Task Page_AWeekWithMoreEntriesOutOfTheDraftThanAPage_ShowsAPageAndALinkToTheNext_TheDraftAlwaysInFull()
    {
        await using var site = await ReviewSite.StartAsync();
        var (slug, inDraft, outOfDraft) = await FloodAsync(site);
        var total = outOfDraft.Count;
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
        // The last page, one entry: no link past it.
        Assert.Equal($"out of the draft: {total}–{total} of {total} shown · show the first {PageSize}",
            WebUtility.HtmlDecode(Regex.Replace(MoreLine(await http.GetStringAsync($"review/{ReviewSite.Week}?more={slug}:{total - 1}")), "<[^>]+>", "")));

        // An entry of the second page the editor shortlists is in the draft, so on the first page from then on.
        var picked = secondOut[0];
        Assert.Equal(0, (await site.CliAsync("mark", picked.ToString(CultureInfo.InvariantCulture), "--status", "shortlisted")).ExitCode);
        Assert.Contains(picked, Articles(await http.GetStringAsync($"review/{ReviewSite.Week}")).In);
    }

    [Fact]
    public async Task Page_APlainPostOnTheSecondPage_GoesBackToThatPageAtTheEntry_TheCountsWhole()
    {
        await using var site = await ReviewSite.StartAsync();
        var (slug, _, outOfDraft) = await FloodAsync(site);
        var total = outOfDraft.Count;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.BaseUri };
        var second = await http.GetStringAsync($"review/{ReviewSite.Week}?more={slug}:{PageSize}");
        var id = SectionArticles(second, slug).Out[0];
        var action = WebUtility.HtmlDecode(Regex.Match(second, $"<article [^>]*id=\"e{id}\".*?<form method=\"post\" class=\"actions\" data-review action=\"([^\"]+)\"", RegexOptions.Singleline).Groups[1].Value);
        var token = WebUtility.HtmlDecode(Regex.Match(second, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);

        // Without the script: the form names its page, and the post goes back there, to the entry, its line shown beside it.
        Assert.Equal($"/review/{ReviewSite.Week}/entries/{id}?more={slug}%3A{PageSize}", action);
        using var posted = await http.PostAsync(action.TrimStart('/'),
            new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("action", "rejected")]));
        var location = posted.Headers.Location!.OriginalString;
        var msg = Regex.Match(location, "msg=([^&#]+)").Groups[1].Value;
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal($"/review/{ReviewSite.Week}?msg={msg}&more={slug}%3A{PageSize}&at={id}#e{id}", location);
        Assert.Equal($"{id}: rejected", Uri.UnescapeDataString(msg));
        var landed = await http.GetStringAsync(location.Split('#')[0].TrimStart('/'));
        Assert.Contains($"<p class=\"said\">{id}: rejected</p>", Regex.Match(landed, $"<article [^>]*id=\"e{id}\".*?</article>", RegexOptions.Singleline).Value);
        Assert.StartsWith($"out of the draft: {PageSize + 1}–{Math.Min(total, 2 * PageSize)} of {total} shown", WebUtility.HtmlDecode(Regex.Replace(SectionMoreLine(landed, slug), "<[^>]+>", "")));

        // The entry a line is about is shown on any page besides that page's entries, and still counted among them.
        var first = await http.GetStringAsync($"review/{ReviewSite.Week}?msg={msg}&at={id}");
        Assert.Contains(id, SectionArticles(first, slug).Out);
        Assert.Equal(PageSize + 1, SectionArticles(first, slug).Out.Count);
        Assert.StartsWith($"out of the draft: 1–{PageSize} of {total} shown", WebUtility.HtmlDecode(Regex.Replace(SectionMoreLine(first, slug), "<[^>]+>", "")));
    }

    [Fact]
    public async Task Page_AnEditedEntryOutOfTheDraft_IsShownOnEveryPage_AndCountedInTheLineAsOutOfTheDraft()
    {
        // README: what the draft holds (shortlisted, edited or moved entries) is shown in full; an edited entry over the quota
        // is still out of the draft, and the line's count is of every entry out of it, as `entries --explain` counts them.
        await using var site = await ReviewSite.StartAsync();
        var (slug, _, outOfDraft) = await FloodAsync(site);
        var total = outOfDraft.Count;
        using var http = new HttpClient { BaseAddress = site.BaseUri };
        var edited = SectionArticles(await http.GetStringAsync($"review/{ReviewSite.Week}?more={slug}:{PageSize}"), slug).Out.Last();
        Assert.Equal(0, (await site.CliAsync("edit", edited.ToString(CultureInfo.InvariantCulture), "--title", "编辑改过的标题：端侧 NPU 量化部署")).ExitCode);

        var first = await http.GetStringAsync($"review/{ReviewSite.Week}");
        var second = await http.GetStringAsync($"review/{ReviewSite.Week}?more={slug}:{PageSize}");

        // Still out of the draft (an edit keeps the score), shown on the first page besides its hundred, and on its own.
        Assert.Contains(edited, SectionArticles(first, slug).Out);
        Assert.Equal(PageSize + 1, SectionArticles(first, slug).Out.Count);
        Assert.Contains(edited, SectionArticles(second, slug).Out);
        Assert.StartsWith($"out of the draft: 1–{PageSize} of {total} shown", WebUtility.HtmlDecode(Regex.Replace(SectionMoreLine(first, slug), "<[^>]+>", "")));
        Assert.StartsWith($"out of the draft: {PageSize + 1}–{Math.Min(total, 2 * PageSize)} of {total} shown",
            WebUtility.HtmlDecode(Regex.Replace(SectionMoreLine(second, slug), "<[^>]+>", "")));
    }

    // A paper and eight posts naming it: one story (README: a story's first 5 members, the rest behind "show all N"). Its
    // entries, and the entry representing it as the page's fold of members says it.
    private static async Task<(HashSet<long> Story, string Explain)> PollStoryAsync(ReviewSite site)
    {
        const string paper = "https://arxiv.org/abs/2005.01234";
        IssueItem Item(string title, string url, string summary) => new("papers", title, url, null, summary, []);
        var posts = Enumerable.Range(1, 8).Select(i => Item($"解读{i}：Tiny-{i} 检测器在端侧 NPU 上的 INT8 量化部署",
            $"https://mp.weixin.qq.com/s/tiny-detector-{i}", $"第{i}篇解读，讲第{i}种硬件上的部署经验与踩坑。论文：{paper}")).ToList();
        site.Serve([.. site.Items, Item("Tiny Detectors: Quantization-Friendly Object Detection on Mobile NPUs", paper,
            "An on-device detector whose INT8 quantization loses under one point of accuracy on mobile NPUs."), .. posts]);
        Assert.Equal(0, (await site.CliAsync("poll")).ExitCode);
        var story = posts.Select(p => site.IdOf(p.Title)).Append(site.IdOf("Tiny Detectors: Quantization-Friendly")).ToHashSet();
        return (story, (await site.CliAsync("entries", "--week", ReviewSite.Week, "--limit", "0", "--explain")).Out);
    }

    // The members of the story of #head as `entries --explain` says them: the entries "not its story's primary (the story is #HEAD …)".
    private static HashSet<long> StoryMembers(string explain, long head) =>
        Regex.Matches(explain, $@"^ *(\d+)  .*?\n(?:(?! *\d+  ).*\n)*? {{8}}draft: out: not its story's primary \(the story is #{head} ", RegexOptions.Multiline)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();

    private static AngleSharp.Dom.IElement StoryFold(string html, HashSet<long> story) =>
        new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("details.members")
            .Single(d => d.QuerySelectorAll("article.member").Any(a => story.Contains(long.Parse(a.GetAttribute("data-id")!, CultureInfo.InvariantCulture))));

    [Fact]
    public async Task Page_AStoryOfManyMembers_ShowsItsFirstFiveAndALinkToAllOfThem()
    {
        await using var site = await ReviewSite.StartAsync();
        var (story, explain) = await PollStoryAsync(site);
        using var http = new HttpClient { BaseAddress = site.BaseUri };
        AngleSharp.Dom.IElement Fold(string html) => StoryFold(html, story);
        List<long> Members(AngleSharp.Dom.IElement fold) =>
            fold.QuerySelectorAll("article.member").Select(a => long.Parse(a.GetAttribute("data-id")!, CultureInfo.InvariantCulture)).ToList();

        var fold = Fold(await http.GetStringAsync($"review/{ReviewSite.Week}"));
        var head = long.Parse(fold.ParentElement!.GetAttribute("data-id")!, CultureInfo.InvariantCulture);

        var members = StoryMembers(explain, head);
        Assert.InRange(members.Count, 6, 8);   // more than the five shown: the test's premise
        Assert.Subset(story, members);
        Assert.Equal($"{members.Count} more in this story", fold.QuerySelector("summary")!.TextContent);
        Assert.False(fold.HasAttribute("open"));
        Assert.Equal(5, Members(fold).Count);
        Assert.Subset(members, Members(fold).ToHashSet());
        var line = fold.QuerySelector(":scope > p.more-members")!;
        Assert.Equal($"{members.Count - 5} more not shown · show all {members.Count}", line.TextContent);
        Assert.Equal($"/review/{ReviewSite.Week}?story={head}#e{head}", line.QuerySelector("a")!.GetAttribute("href"));
        // On a page of entries out of the draft the link keeps that page.
        Assert.Equal($"/review/{ReviewSite.Week}?more=news%3A0&story={head}#e{head}",
            Fold(await http.GetStringAsync($"review/{ReviewSite.Week}?more=news:0")).QuerySelector(":scope > p.more-members a")!.GetAttribute("href"));

        // A plain post on a member not shown lands on the page with it shown among the first five, the fold open.
        var hidden = members.Except(Members(fold)).Min();
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.BaseUri };
        var token = WebUtility.HtmlDecode(Regex.Match(await plain.GetStringAsync($"review/{ReviewSite.Week}"), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var posted = await plain.PostAsync($"review/{ReviewSite.Week}/entries/{hidden}",
            new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("action", "candidate")]));
        var landed = Fold(await plain.GetStringAsync(posted.Headers.Location!.OriginalString.Split('#')[0].TrimStart('/')));
        Assert.True(landed.HasAttribute("open"));
        Assert.Equal([.. Members(fold), hidden], Members(landed));
        Assert.Equal(members.Count > 6 ? $"{members.Count - 6} more not shown · show all {members.Count}" : null, landed.QuerySelector(":scope > p.more-members")?.TextContent);

        var all = Fold(await http.GetStringAsync($"review/{ReviewSite.Week}?story={head}"));

        Assert.True(all.HasAttribute("open"));
        Assert.Equal(members, Members(all).ToHashSet());
        Assert.Null(all.QuerySelector("p.more-members"));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"review/{ReviewSite.Week}?story=e{head}")).StatusCode);
    }

    [Fact]
    public async Task Shown_AStoryOfManyMembers_IsTheRowsThePageHas_NotTheMembersBehindItsLink()
    {
        // The rows whose late arrival the page looks up, a query each (ReviewEndpoints): those it shows, not a story's
        // members behind "show all N" (a chain of 700 write-ups was 700 lookups for 5 rows).
        await using var site = await ReviewSite.StartAsync();
        var (story, explain) = await PollStoryAsync(site);
        using var http = new HttpClient { BaseAddress = site.BaseUri };
        var html = await http.GetStringAsync($"review/{ReviewSite.Week}");
        var articles = Regex.Matches(html, "<article [^>]*data-id=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var head = long.Parse(StoryFold(html, story).ParentElement!.GetAttribute("data-id")!, CultureInfo.InvariantCulture);
        var hidden = StoryMembers(explain, head).Except(articles).ToList();
        Assert.NotEmpty(hidden);   // members behind the link: the test's premise
        var config = site.Services.GetRequiredService<EmbeddedAiReport.Worker.LoadedConfig>();
        var window = EmbeddedAiReport.Worker.Http.PathWindow.Of(EditorialWeek.TryParse(ReviewSite.Week)!.Value, config.Draft.Zone());
        var review = await site.Services.GetRequiredService<DraftReview>().BuildAsync(window.Window, CancellationToken.None);
        var sections = ReviewLayout.Paged(ReviewLayout.Of(review, config.Draft), null, new HashSet<long>());
        ReviewView View(long? storyShown) => new(window, review, sections, "", "", CanWrite: true, Notice: null, Story: storyShown);

        var shown = ReviewPage.Shown(View(null)).Select(r => r.Entry.Entry.Id).ToList();

        Assert.Equal(articles.Order(), shown.Order());
        Assert.Empty(hidden.Intersect(shown));
        // With ?story= every member is shown, and so looked up.
        Assert.Subset(ReviewPage.Shown(View(head)).Select(r => r.Entry.Entry.Id).ToHashSet(), StoryMembers(explain, head));
    }

    // A week within a page has no paging line; a page past a section's end says so and links back to its first page; a form
    // posted from a page with a malformed more acts on nothing.
    [Fact]
    public async Task Page_AWeekWithinAPage_HasNoPagingLine_APagePastTheEnd_SaysNoneThere_AFormWithAMalformedMore_Is400()
    {
        await using var site = await ReviewSite.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.BaseUri };
        var page = await http.GetStringAsync($"review/{ReviewSite.Week}");

        Assert.DoesNotContain("<p class=\"more\">", page);
        var past = SectionMoreLine(await http.GetStringAsync($"review/{ReviewSite.Week}?more=papers:1000"), "papers");
        Assert.Matches(@"^out of the draft: none past 1000 \(\d+ in all\) · show the first 100$", WebUtility.HtmlDecode(Regex.Replace(past, "<[^>]+>", "")));
        Assert.Equal($"/review/{ReviewSite.Week}#sec-papers", Regex.Match(past, "<a href=\"([^\"]+)\">show the first").Groups[1].Value);

        var id = site.IdOf(ReviewSite.OffTopicTitle);
        var token = WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var posted = await http.PostAsync($"review/{ReviewSite.Week}/entries/{id}?more=nosuch:0",
            new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", token), KeyValuePair.Create("action", "rejected")]));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Equal("more", System.Text.Json.JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());
        Assert.NotEqual("rejected", site.StatusOf(id));
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
        var rows = Regex.Matches(section, "<article class=\"entry (in|out)\" id=\"e(\\d+)\"")
            .Select(m => (In: m.Groups[1].Value == "in", Id: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        return (rows.Where(r => r.In).Select(r => r.Id).ToHashSet(), rows.Where(r => !r.In).Select(r => r.Id).ToList());
    }

    private static string SectionMoreLine(string html, string slug) => Regex.Match(Section(html, slug), "<p class=\"more\">(.*?)</p>").Groups[1].Value;

    private static string Section(string html, string slug) =>
        Regex.Match(html, $"<section class=\"section\" id=\"sec-{slug}\">.*?</section>", RegexOptions.Singleline).Value;

    private static string ShownDraft(string html) => Regex.Match(html, "name=\"shown_draft\" value=\"([0-9a-f]+)\"").Groups[1].Value;
}
