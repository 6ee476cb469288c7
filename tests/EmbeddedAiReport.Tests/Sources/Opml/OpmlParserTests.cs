using System.Text;
using EmbeddedAiReport.Sources.Opml;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Opml;

public sealed class OpmlParserTests
{
    [Fact]
    public void Parse_WeweRssExport_ReadsEveryAccountFeed()
    {
        var result = OpmlParser.Parse(Fixtures.Bytes("opml/wewe-rss-all.opml"));

        Assert.Null(result.Error);
        // The five outlines of the fixture, as written there (text, no title attribute; htmlUrl = xmlUrl).
        Assert.Equal(["机器之心", "量子位", "GiantPandaCV", "AI前线", "NeuralTalk"], result.Outlines.Select(o => o.Title));
        var first = result.Outlines[0];
        Assert.Equal("http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom", first.XmlUrl);
        Assert.Equal(first.XmlUrl, first.HtmlUrl);
        Assert.Equal(7, first.Line);
        Assert.Empty(result.BareAmpersandLines);
    }

    [Fact]
    public void Parse_WeweRssExportWithBareAmpersands_ReadsTheNamesAndSaysOnWhichLines()
    {
        // wewe-rss's handleExportOpml writes each account name into text="…" as it is: "AI&芯片" is no well-formed XML.
        var result = OpmlParser.Parse(Fixtures.Bytes("opml/wewe-rss-ampersand.opml"));

        Assert.Null(result.Error);
        Assert.Equal(["机器之心", "AI&芯片", "R&D 前线", "GiantPandaCV", "端侧AI&编译器&芯片"], result.Outlines.Select(o => o.Title));
        Assert.Equal([7, 8, 9, 10, 11], result.Outlines.Select(o => o.Line));
        Assert.Equal([8, 9, 11, 11], result.BareAmpersandLines);   // one per '&', the fifth name has two
        Assert.Equal("http://192.168.1.20:4000/feeds/MP_WXS_3571942210.atom", result.Outlines[1].XmlUrl);
    }

    [Fact]
    public void Parse_BareAmpersandInAGb2312File_IsReadInThatEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB2312").GetBytes(
            "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n<opml version=\"1.0\"><body>\n<outline text=\"AI&芯片\" xmlUrl=\"https://a.example/feed\"/>\n</body></opml>");

        var result = OpmlParser.Parse(bytes);

        Assert.Null(result.Error);
        Assert.Equal("AI&芯片", Assert.Single(result.Outlines).Title);
        Assert.Equal([3], result.BareAmpersandLines);
    }

    [Fact]
    public void Parse_BareAmpersandsOnSeveralLines_EachSaidOnItsOwnLine_ThoughEarlierOnesGrewWhenRepaired()
    {
        // Line 3's '&' is its 8th character; the two '&amp;' written before it on line 2 put it 8 characters further on in the
        // repaired text, which is still line 3 (mutation audit 15: its place counted without them was on line 2, and survived).
        var result = OpmlParser.Parse("<opml><body>\n<outline text=\"A&B C&D\"\ntitle=\"&E\" xmlUrl=\"https://a.example/feed\"/>\n</body></opml>"u8.ToArray());

        Assert.Null(result.Error);
        Assert.Equal("&E", Assert.Single(result.Outlines).Title);
        Assert.Equal([2, 2, 3], result.BareAmpersandLines);
    }

    [Fact]
    public void Parse_CharacterReferencesBesideABareAmpersand_AreReadAsTheyAre_OnlyTheBareOneIsSaid()
    {
        // '&#38;' and '&#x26;' are '&' written as XML allows: no bare '&' to repair (mutation audit 15: '&#x26;' taken for
        // one, read as the text "&#x26;", survived).
        var result = OpmlParser.Parse("<opml><body>\n<outline text=\"R&D &#x26; &#38; &amp;\" xmlUrl=\"https://a.example/feed\"/>\n</body></opml>"u8.ToArray());

        Assert.Null(result.Error);
        Assert.Equal("R&D & & &", Assert.Single(result.Outlines).Title);
        Assert.Equal([2], result.BareAmpersandLines);
    }

    [Theory]
    [InlineData("false", true)]
    [InlineData("False", true)]
    [InlineData("true", false)]
    [InlineData("", false)]
    public void Parse_EnabledAttribute_FalseInAnyCaseIsDisabled(string enabled, bool disabled)
    {
        // README: an outline with enabled="false" is added disabled; a hand-edited "False" too (mutation audit 15: matching
        // only the lower case survived).
        var result = OpmlParser.Parse(Encoding.UTF8.GetBytes($"<opml><body><outline text=\"a\" xmlUrl=\"https://a.example/feed\" enabled=\"{enabled}\"/></body></opml>"));

        Assert.Equal(disabled, Assert.Single(result.Outlines).Disabled);
    }

    [Fact]
    public void Parse_AnotherFaultBesideABareAmpersand_IsTheErrorAtItsColumnAsWritten()
    {
        // Line 2: the '<' inside title="C<D" is column 29 as written (counted by hand), 33 once the '&' before it is '&amp;'.
        var result = OpmlParser.Parse("<opml><body>\n<outline text=\"A&B\" title=\"C<D\" xmlUrl=\"https://a.example/feed\"/>\n</body></opml>"u8.ToArray());

        Assert.Equal("not well-formed XML: line 2, column 29: '<', hexadecimal value 0x3C, is an invalid attribute character", result.Error);
        Assert.Empty(result.Outlines);
        Assert.Empty(result.BareAmpersandLines);
    }

    [Fact]
    public void Parse_AFaultAtABareAmpersandItself_IsAtItsColumnAsWritten()
    {
        // Text after the root element, starting with a bare '&': the fault is at that '&' (line 3, column 1, as written), which
        // the repair moved no further on (mutation audit 15: counting the '&' at the fault's own column as before it, column
        // -3, survived).
        var result = OpmlParser.Parse("<opml><body>\n</body></opml>\n&x"u8.ToArray());

        Assert.StartsWith("not well-formed XML: line 3, column 1: ", result.Error);
        Assert.Empty(result.Outlines);
    }

    [Fact]
    public void Parse_UndeclaredEntity_IsNoBareAmpersandAndStaysAnError()
    {
        // "&nbsp;" is a reference to an entity no DTD here declares: not a '&' to take as a character.
        var result = OpmlParser.Parse("<opml><body>\n<outline text=\"R&D\" xmlUrl=\"https://a.example/a\"/>\n<outline text=\"a&nbsp;b\" xmlUrl=\"https://a.example/b\"/>\n</body></opml>"u8.ToArray());

        Assert.Equal("not well-formed XML: line 3, column 18: Reference to undeclared entity 'nbsp'", result.Error);
    }

    [Fact]
    public void Parse_NestedCategories_FlattensThemInDocumentOrder()
    {
        var result = OpmlParser.Parse(Fixtures.Bytes("opml/feedly-nested.opml"));

        Assert.Null(result.Error);
        // 11 feeds in 5 categories, one two levels down (WeChat > Mirrors); the categories themselves are no feeds.
        Assert.Equal(11, result.Outlines.Count);
        Assert.Equal("http://export.arxiv.org/rss/cs.LG", result.Outlines[0].XmlUrl);
        Assert.Equal("极市平台", result.Outlines[6].Title);
        Assert.Equal("https://feeds.feedburner.com/HighScalability/", result.Outlines[^1].XmlUrl);
        Assert.DoesNotContain(result.Outlines, o => o.Title is "Papers" or "WeChat" or "Mirrors");
    }

    [Fact]
    public void Parse_Gb2312Declared_DecodesTheTitles()
    {
        var bytes = Fixtures.Bytes("opml/inoreader-gb2312.opml");

        var result = OpmlParser.Parse(bytes);

        Assert.Null(result.Error);
        Assert.Equal(["机器之心", "OpenVINO 博客"], result.Outlines.Select(o => o.Title));
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));   // it is no UTF-8 in disguise
    }

    [Fact]
    public void Parse_AttributesInAnotherCase_AreRead()
    {
        var result = OpmlParser.Parse("""<opml version="1.0"><body><outline TEXT="a" XMLURL="https://a.example/feed" htmlurl="https://a.example/"/></body></opml>"""u8.ToArray());

        var outline = Assert.Single(result.Outlines);
        Assert.Equal(("a", "https://a.example/feed", "https://a.example/"), (outline.Title, outline.XmlUrl, outline.HtmlUrl));
    }

    [Fact]
    public void Parse_TitleAndTextDiffer_TheTitleNamesTheFeed_AnEmptyTitleLeavesTheText()
    {
        // OpmlOutline: the title, else the text (mutation audit 14: the fixtures write both alike, so text first survived).
        var result = OpmlParser.Parse("""
            <opml version="2.0"><body>
            <outline text="my name for it" title="Edge AI Weekly" xmlUrl="https://a.example/feed"/>
            <outline text="Only text" title=" " xmlUrl="https://b.example/feed"/>
            </body></opml>
            """u8.ToArray());

        Assert.Equal(["Edge AI Weekly", "Only text"], result.Outlines.Select(o => o.Title));
    }

    [Fact]
    public void Parse_DocumentTypeDeclaration_IsSkipped_ItsDefaultsNotApplied()
    {
        // An export may carry a DOCTYPE: the file is read, and nothing the DTD declares is applied (mutation audit 14: no test
        // had a DTD, so refusing one or processing it survived). Processed, this default would make the category a feed.
        var result = OpmlParser.Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE opml [ <!ATTLIST outline xmlUrl CDATA "https://dtd.example/feed"> ]>
            <opml version="2.0"><body><outline text="Papers"><outline text="a" xmlUrl="https://a.example/feed"/></outline></body></opml>
            """u8.ToArray());

        Assert.Null(result.Error);
        Assert.Equal(["https://a.example/feed"], result.Outlines.Select(o => o.XmlUrl));
    }

    [Theory]
    [InlineData("generic-feed/feedparser_illformed_undeclared_namespace.xml", "not an OPML file: its root element is <rss>, not <opml>")]
    [InlineData("github-releases-atom/rssparser_gulp_releases_2015.atom", "not an OPML file: its root element is <feed>, not <opml>")]
    public void Parse_FeedInsteadOfOpml_SaysWhatItIs(string fixture, string error)
    {
        var result = OpmlParser.Parse(Fixtures.Bytes(fixture));

        Assert.Equal(error, result.Error);
        Assert.Empty(result.Outlines);
    }

    [Fact]
    public void Parse_CutShort_SaysWhereItBreaks()
    {
        var whole = Fixtures.Bytes("opml/feedly-nested.opml");

        var result = OpmlParser.Parse(whole[..1200]);

        Assert.StartsWith("not well-formed XML: line ", result.Error);
        // The position is said once, in front: XmlException's own "Line 15, position 190." at the end is cut (mutation audit 14).
        Assert.DoesNotContain("Line", result.Error);
        Assert.Empty(result.Outlines);
    }

    [Fact]
    public void Parse_NoBody_IsNoOpml()
    {
        var result = OpmlParser.Parse("""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head></opml>"""u8.ToArray());

        Assert.Equal("not an OPML file: it has no <body>", result.Error);
    }

    // README (import-opml): keep, days, limit and weight are read from attributes of urn:embedded-ai-report:opml only,
    // trimmed; an empty one is no setting, and an outline with none has none (mutation audit 19).
    [Fact]
    public void Parse_SettingAttributes_OnlyOurNamespacesTrimmedAndNotEmpty()
    {
        var result = OpmlParser.Parse("""
            <opml version="2.0" xmlns:eair="urn:embedded-ai-report:opml" xmlns:x="urn:another-tool"><body>
            <outline text="a" xmlUrl="https://a.example/feed" eair:days=" 14 " eair:limit="" keep="new" x:weight="2"/>
            <outline text="b" xmlUrl="https://b.example/feed"/>
            </body></opml>
            """u8.ToArray());

        Assert.Null(result.Error);
        Assert.Equal([KeyValuePair.Create("days", "14")], result.Outlines[0].Settings!);
        Assert.Null(result.Outlines[1].Settings);
    }
}
