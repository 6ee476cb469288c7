using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

public sealed class ArxivListingSourceTests() : LoopbackTest(new TestServices(new DateTimeOffset(2026, 7, 28, 12, 0, 0, TimeSpan.Zero)))
{
    private const string Recent = "arxiv-listing-html/shelf_cs.CL_recent_2026-07-27.html";
    private const string New = "arxiv-listing-html/handwritten_cs.AR_new_2024-02-23.html";

    private SourceDefinition Source(string path, string extra = "") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "arxiv-list", "kind": "arxiv-listing", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true {{extra}}}]}"""));

    private Task<PollResult> PollAsync(SourceDefinition source) => Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

    // An arxiv-rss source on the loopback server's rss/cs.LG (the arXiv RSS fixtures announce the papers the /new page withdraws).
    private SourceDefinition RssSource(string extra = "") => Assert.Single(Services.Sources(
        $$"""{"sources": [{"id": "arxiv-rss", "kind": "arxiv-rss", "url": "{{Server.Url("rss/cs.LG")}}", "allowPrivateNetwork": true{{extra}}}]}"""));

    // The /new fixture with its replacement 2312.05555 made paper <id>'s withdrawal: the notice as its abstract, no version.
    private void ServeNewPageWithdrawing(string id, string notice)
    {
        var page = Fixtures.Text(New).Replace("2312.05555", id, StringComparison.Ordinal).Replace(
            "We measure INT8/FP16 mixed-precision kernels on Mali and Adreno GPUs and release a benchmark suite.", notice, StringComparison.Ordinal);
        Server.Serve("list/cs.AR/new", System.Text.Encoding.UTF8.GetBytes(page), "text/html");
    }

    [Fact]
    public async Task PollAsync_RealRecentPage_StoresEveryNewSubmissionAndCrossList()
    {
        Server.Serve("list/cs.CL/recent", Fixtures.Bytes(Recent), "text/html");

        var result = await PollAsync(Source("list/cs.CL/recent", """, "limit": 50"""));

        Assert.Null(result.Error);
        Assert.Equal(50, result.New);   // 32 new submissions + 18 cross-lists on the first page
        var entries = await Services.EntriesAsync();
        var first = entries["arxiv:2607.22529"];
        Assert.Equal("Skill Self-Play: Pushing the Frontier of LLM Capability with Co-Evolving Skills", first.Title);
        Assert.Equal(("2607.22529v1", 1, "papers"), (first.Prefix, first.Version, first.Section));
        Assert.Equal("", first.Summary);   // /recent has no abstracts
        Assert.StartsWith("Siyuan Huang, Pengyu Cheng", first.Account);
        // "Mon, 27 Jul 2026" is an arXiv (US Eastern, EDT) day: midnight is 04:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 7, 27, 4, 0, 0, TimeSpan.Zero), first.Published);
        Assert.Equal(new DateTimeOffset(2026, 7, 24, 4, 0, 0, TimeSpan.Zero), entries.Values.Min(e => e.Published));
    }

    [Fact]
    public async Task PollAsync_CommentLinksToGitHub_BecomeCodeLinks()
    {
        Server.Serve("list/cs.CL/recent", Fixtures.Bytes(Recent), "text/html");

        await PollAsync(Source("list/cs.CL/recent", """, "limit": 50"""));

        var withCode = (await Services.EntriesAsync()).Values.Where(e => e.Links.Any(l => l.Kind == "github")).ToList();
        Assert.Equal(["gh:sterzhang/awesome-progress-models", "gh:veracium-ai/veracium"],
            withCode.SelectMany(e => e.Links).Where(l => l.Kind == "github").Select(l => l.Target).Order());
    }

    [Fact]
    public async Task PollAsync_RecentPageWithMoreEntries_FollowsSkipUntilTheLimit()
    {
        Server.Serve("list/cs.CL/recent", Fixtures.Bytes(Recent), "text/html");
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "l", "kind": "arxiv-listing", "url": "{{Server.Url("list/cs.CL/recent?skip=0&show=50")}}", "limit": 150, "allowPrivateNetwork": true}]}"""));

        var result = await PollAsync(source);

        Assert.Null(result.Error);
        Assert.Equal(["/list/cs.CL/recent?skip=0&show=50", "/list/cs.CL/recent?skip=50&show=50", "/list/cs.CL/recent?skip=100&show=50"],
            Server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task PollAsync_TotalBeyondAnInt_ReadsThePageAndFollowsNoSkip()
    {
        // int.Parse threw OverflowException on a total no page has had: the poll failed instead of reading the page it has.
        var page = Fixtures.Text(Recent).Replace("Total of 408 entries", "Total of 99999999999 entries", StringComparison.Ordinal);
        Server.Serve("list/cs.CL/recent", System.Text.Encoding.UTF8.GetBytes(page), "text/html");

        var result = await PollAsync(Source("list/cs.CL/recent", """, "limit": 150"""));

        Assert.Null(result.Error);
        Assert.Equal(50, result.New);
        Assert.Single(Server.Requests);
    }

    [Theory]
    [InlineData("", 3)]
    [InlineData(""", "keep": ["new"]""", 2)]
    [InlineData(""", "keep": ["cross"]""", 1)]
    [InlineData(""", "keep": ["replace"]""", 1)]
    [InlineData(""", "keep": ["new", "cross", "replace"]""", 4)]
    public async Task PollAsync_NewPage_KeepsTheConfiguredSections(string keep, int expected)
    {
        Server.Serve("list/cs.AR/new", Fixtures.Bytes(New), "text/html");

        var result = await PollAsync(Source("list/cs.AR/new", keep));

        Assert.Null(result.Error);
        Assert.Equal(expected, result.New);
    }

    [Fact]
    public async Task PollAsync_NewPage_ReadsAbstractsCommentsAndTypes()
    {
        Server.Serve("list/cs.AR/new", Fixtures.Bytes(New), "text/html");

        await PollAsync(Source("list/cs.AR/new", """, "keep": ["new", "cross", "replace"]"""));

        var entries = await Services.EntriesAsync();
        var npu = entries["arxiv:2402.14833"];
        Assert.Equal("An 8-bit Systolic NPU for Always-On Keyword Spotting", npu.Title);
        Assert.StartsWith("We present a 0.4 mm² systolic NPU", npu.Summary);
        Assert.Equal("gh:example-hw/kws-npu", Assert.Single(npu.Links).Target);
        Assert.Equal(new DateTimeOffset(2024, 2, 23, 5, 0, 0, TimeSpan.Zero), npu.Published);   // EST midnight
        Assert.Equal("2402.14511v1", entries["arxiv:2402.14511"].Prefix);   // cross-list: announced as v1
        var replaced = entries["arxiv:2312.05555"];   // the page does not say which version replaced it
        Assert.Equal(("2312.05555", (int?)null, "https://arxiv.org/abs/2312.05555"), (replaced.Prefix, replaced.Version, replaced.Url));
        // Its v1 is from December 2023 (the id's month), not of the page's day: filed there, not in this week's draft.
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), replaced.Published);
    }

    [Fact]
    public async Task PollAsync_WithdrawalOnTheNewPage_UpdatesTheStoredV1WhateverKeepSays()
    {
        // The /new page lists a withdrawal as a replacement with the notice as its abstract (list_macros.html shows every
        // item's abstract on /new) and no version; here 2402.14655, whose v1 the arXiv RSS fixture announced.
        var rss = RssSource();
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        await PollAsync(rss);
        ServeNewPageWithdrawing("2402.14655", "This paper has been withdrawn by the authors due to an error in the SRAM measurements of Section 4.");

        var result = await PollAsync(Source("list/cs.AR/new"));   // default keep: new and cross

        Assert.Equal(1, result.Updated);
        var entry = (await Services.EntriesAsync())["arxiv:2402.14655"];
        Assert.True(entry.IsWithdrawnPaper);
        Assert.Equal(("2402.14655", "https://arxiv.org/abs/2402.14655"), (entry.Prefix, entry.Url));
        Assert.Equal(new DateTimeOffset(2024, 2, 23, 5, 0, 0, TimeSpan.Zero), entry.Published);   // its v1's
    }

    [Fact]
    public async Task PollAsync_WithdrawalOnTheNewPage_UpdatesAPaperStoredAsV2()
    {
        // 2402.14702: v1 on 2024-02-23, v2 (a replacement, kept) on 2024-02-26 in the arXiv RSS fixtures; then /new shows its
        // withdrawal, a replacement without a version. A withdrawal is the paper's newest version (arXiv's help: "a withdrawal
        // creates a new version"), so it updates the v2 that another source stored.
        var rss = RssSource(""", "keep": ["new", "replace"]""");
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        await PollAsync(rss);
        Server.Serve("rss/cs.LG", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-26.xml"));
        await PollAsync(rss);
        ServeNewPageWithdrawing("2402.14702", "This paper has been withdrawn by the authors due to an error in the evaluation.");
        var stored = (await Services.EntriesAsync())["arxiv:2402.14702"];

        var result = await PollAsync(Source("list/cs.AR/new"));

        Assert.Equal(2, stored.Version);
        Assert.Equal(1, result.Updated);
        var entry = (await Services.EntriesAsync())["arxiv:2402.14702"];
        Assert.True(entry.IsWithdrawnPaper);
        Assert.Equal((3, "2402.14702", "https://arxiv.org/abs/2402.14702"), (entry.Version, entry.Prefix, entry.Url));
        Assert.Equal(stored.Published, entry.Published);
    }

    [Fact]
    public async Task PollAsync_NoUpdatesToday_SucceedsWithNoEntries()
    {
        Server.Serve("list/cs.AR/new", Fixtures.Bytes("arxiv-listing-html/handwritten_cs.AR_new_no_updates.html"), "text/html");

        var result = await PollAsync(Source("list/cs.AR/new"));

        Assert.Null(result.Error);
        Assert.Equal(0, result.Seen);
    }

    [Fact]
    public async Task PollAsync_NotAListingPage_FailsWithAClearReason()
    {
        Server.Serve("list/cs.AR/new", Fixtures.Bytes("wechat-article-html/wechatsogou_link_expired.html"), "text/html");

        var result = await PollAsync(Source("list/cs.AR/new"));

        Assert.Contains("not an arXiv listing page", result.Error);
    }

    [Fact]
    public void Requests_Category_BuildsTheListingUrl()
    {
        var source = Assert.Single(Services.Sources("""{"sources": [{"id": "a", "kind": "arxiv-listing", "category": "cs.AR", "list": "pastweek", "show": 500}]}"""));

        var request = Assert.Single(Services.Get<SourceCatalog>().Kinds["arxiv-listing"].Requests(source));

        Assert.Equal("https://arxiv.org/list/cs.AR/pastweek?skip=0&show=500", request.Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("""{"id": "a", "kind": "arxiv-listing"}""", "category: required")]
    [InlineData("""{"id": "a", "kind": "arxiv-listing", "category": ["cs.LG", "cs.AR"]}""", "category: one category per source")]
    [InlineData("""{"id": "a", "kind": "arxiv-listing", "category": "cs.AR", "list": "today"}""", "list: expected one of new, recent, pastweek")]
    [InlineData("""{"id": "a", "kind": "arxiv-listing", "category": "cs.AR", "show": 60}""", "show: arXiv accepts only 25, 50")]
    [InlineData("""{"id": "a", "kind": "arxiv-listing", "category": "cs.AR", "keep": ["replace-cross"]}""", "keep: unknown announcement type 'replace-cross'")]
    public void Validate_BadFields_NameTheField(string source, string problem)
    {
        var problems = Services.Problems($$"""{"sources": [{{source}}]}""");

        Assert.Contains(problems, p => p.Contains("source 'a'") && p.Contains(problem));
    }
}
