using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Arxiv;

/// <summary>One paper is one entry: every URL form, version and id spelling gives the key of the id without version.</summary>
public sealed class ArxivIdentityTests
{
    [Fact]
    public void ToCandidate_AbstractNamingThePapersOwnEarlierVersion_LinksTheCodeButNotItself()
    {
        // A paper is one entry whatever its version (README): a v2 abstract citing its v1 names itself, which is no link.
        using var services = new TestServices();
        var source = Assert.Single(services.Sources("""{"sources": [{"id": "rss", "kind": "arxiv-rss", "category": "cs.LG"}]}"""));
        var paper = new EmbeddedAiReport.Sources.Arxiv.ArxivPaper(ArxivId.TryParse("2011.12289v2")!.Value, "A paper",
            "This extends arXiv:2011.12289v1 to 4-bit weights. Code: https://github.com/owner/repo", null, null, "cs.LG",
            EmbeddedAiReport.Sources.Arxiv.ArxivAnnouncement.Replace, null, []);

        var entry = paper.ToCandidate(source, DateTimeOffset.UnixEpoch);

        Assert.Equal(["gh:owner/repo"], entry.Links.Select(l => l.Target));
    }

    [Theory]
    [InlineData("https://arxiv.org/abs/2011.12289")]
    [InlineData("https://arxiv.org/abs/2011.12289v1")]
    [InlineData("http://arxiv.org/abs/2011.12289v12")]
    [InlineData("https://arxiv.org/pdf/2011.12289")]
    [InlineData("https://arxiv.org/pdf/2011.12289.pdf")]
    [InlineData("https://arxiv.org/pdf/2011.12289v2.pdf")]
    [InlineData("https://arxiv.org/html/2011.12289v1")]
    [InlineData("https://arxiv.org/html/2011.12289v1/")]
    [InlineData("https://arxiv.org/format/2011.12289")]
    [InlineData("http://export.arxiv.org/abs/2011.12289v3")]
    [InlineData("https://www.arxiv.org/abs/2011.12289?context=cs.CV")]
    [InlineData("https://ARXIV.org/abs/2011.12289#S3")]
    public void EntryKey_EveryNewStyleUrlForm_IsTheSamePaper(string url) => Assert.Equal("arxiv:2011.12289", EntryKey.For(new Uri(url)));

    [Theory]
    [InlineData("https://arxiv.org/abs/cs/0112017")]
    [InlineData("https://arxiv.org/abs/cs/0112017v1")]
    [InlineData("https://arxiv.org/pdf/cs/0112017v2.pdf")]
    [InlineData("https://arxiv.org/abs/cs.AI/0112017")]
    [InlineData("http://export.arxiv.org/abs/cs.AI/0112017v1")]
    public void EntryKey_EveryOldStyleUrlForm_IsTheSamePaper(string url) => Assert.Equal("arxiv:cs/0112017", EntryKey.For(new Uri(url)));

    [Theory]
    [InlineData("2011.12289", "2011.12289", null)]
    [InlineData("arXiv:2011.12289v1", "2011.12289", 1)]
    [InlineData("oai:arXiv.org:2011.12289v2", "2011.12289", 2)]   // RSS guid
    [InlineData("cs.AI/0112017v1", "cs/0112017", 1)]
    [InlineData("oai:arXiv.org:cs/0112017v3", "cs/0112017", 3)]
    public void ArxivId_TryParse_EverySpelling_SplitsBaseAndVersion(string text, string expectedBase, int? version) =>
        Assert.Equal(new ArxivId(expectedBase, version), ArxivId.TryParse(text));

    // Text from anywhere: full-width digits (Chinese input methods write them) are no arXiv id (arXiv's ids are ASCII), and a
    // version past int's range is none; neither is a FormatException or OverflowException that fails the source's poll.
    [Theory]
    [InlineData("论文：arXiv:２０１１.１２２８９", new string[0])]
    [InlineData("https://arxiv.org/abs/２０１１.１２２８９v１", new string[0])]
    [InlineData("arXiv:2011.12289v99999999999", new[] { "2011.12289" })]
    public void ArxivId_FindAll_UnicodeDigitsOrAHugeVersion_ReadsOnlyWhatIsAnId(string text, string[] expected) =>
        Assert.Equal(expected, ArxivId.FindAll(text).Select(id => id.Versioned));

    // An id is ASCII digits: one in full-width digits (as a URL's path or a listing may carry it) is no id.
    [Fact]
    public void ArxivId_TryParse_DigitsOfAnotherScript_IsNull() => Assert.Null(ArxivId.TryParse("２０１１.１２２８９"));

    // An id's YYMM is the year and month of its first version (arXiv's "Understanding the arXiv identifier"); old-scheme
    // ids (archive/YYMMNNN) ran from August 1991 to March 2007, new-scheme ones from 0704.
    [Theory]
    [InlineData("2401.09876v2", "2024-02-01")]
    [InlineData("2412.00001", "2025-01-01")]
    [InlineData("0704.0001", "2007-05-01")]
    [InlineData("cs/0112017", "2002-01-01")]
    [InlineData("hep-th/9108001v1", "1991-09-01")]
    public void ArxivId_SubmittedBefore_IsTheMonthAfterTheIdsMonth(string id, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), ArxivId.TryParse(id)!.Value.SubmittedBefore);

    [Fact]
    public void ArxivId_Versioned_GivesTheDraftPrefixAndAbsUrl()
    {
        var id = ArxivId.TryParse("oai:arXiv.org:2011.12289v1")!.Value;

        Assert.Equal(("arxiv:2011.12289", "2011.12289v1", "https://arxiv.org/abs/2011.12289v1"), (id.Key, id.Versioned, id.AbsUrl));
    }

    [Fact]
    public async Task PollAsync_SamePaperFromRssListingAndAPdfLinkInAFeed_IsOneEntry()
    {
        using var services = new TestServices(new DateTimeOffset(2024, 2, 27, 0, 0, 0, TimeSpan.Zero));
        await using var server = await LoopbackServer.StartAsync();
        server.Serve("rss", Fixtures.Bytes("arxiv-rss/handwritten_cs.LG_2024-02-23.xml"));
        server.Serve("new", Fixtures.Bytes("arxiv-listing-html/handwritten_cs.AR_new_2024-02-23.html"), "text/html");
        server.Serve("blog", """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>blog</title><link>https://blog.example.org/</link>
            <item><title>NAS survey</title><link>https://arxiv.org/pdf/2402.14511v1.pdf</link><description>A survey</description></item>
            </channel></rss>
            """u8.ToArray());
        var sources = services.Sources($$"""
            {"sources": [
              {"id": "rss", "kind": "arxiv-rss", "url": "{{server.Url("rss")}}", "allowPrivateNetwork": true},
              {"id": "list", "kind": "arxiv-listing", "url": "{{server.Url("new")}}", "allowPrivateNetwork": true},
              {"id": "blog", "kind": "feed", "url": "{{server.Url("blog")}}", "allowPrivateNetwork": true}
            ]}
            """);

        foreach (var source in sources) await services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        var entries = await services.EntriesAsync();
        var survey = entries["arxiv:2402.14511"];
        Assert.Equal(("rss", "2402.14511v1"), (survey.SourceId, survey.Prefix));
        Assert.Equal(5, entries.Count);   // rss: 2 new + 1 cross; listing adds its 2 new; the blog post is the same paper
    }

    // Notices as arXiv's help asks for them ("This paper has been withdrawn by the author due to …") and as authors write them.
    [Theory]
    [InlineData("This paper has been withdrawn by the author due to a crucial sign error in equation 1.", true)]
    [InlineData("  This paper has been withdrawn by the authors.", true)]
    [InlineData("The manuscript has been withdrawn because of an error in Table 2.", true)]
    [InlineData("this article is withdrawn", true)]
    [InlineData("Withdrawn.", true)]
    [InlineData("Withdrawn due to a data leak between splits.", true)]
    [InlineData("Withdrawn samples degrade federated training; we quantify how much.", false)]
    [InlineData("We study papers that have been withdrawn from arXiv.", false)]
    // A feed source's summary of an rss.arxiv.org item keeps the item's header.
    [InlineData("arXiv:2402.14655v2 Announce Type: replace Abstract: This paper has been withdrawn by the authors due to an error.", true)]
    [InlineData("arXiv:2402.14702v2 Announce Type: replace Abstract: Version 2 adds results on a second NPU.", false)]
    [InlineData("", false)]
    public void ArxivWithdrawal_IsNotice_OnlyAnAbstractThatIsTheNotice(string text, bool expected) =>
        Assert.Equal(expected, ArxivWithdrawal.IsNotice(text));
}
