using AngleSharp.Html.Parser;
using EmbeddedAiReport.Worker.Review;

namespace EmbeddedAiReport.Tests.Worker.Review;

/// <summary>
/// How the review pages write a value (ReviewHtml.Text): the expected markup by hand from the HTML standard's parsing rules,
/// and read back by an HTML parser (AngleSharp) as the text it was, in an element and in a quoted attribute.
/// </summary>
public sealed class ReviewHtmlTests
{
    // '+' and characters past the BMP need no reference in a page sent as UTF-8: 4,371 "&#x2B;" were 22 KB of a flooded
    // week's review page (the reasons' "+3.51").
    [Theory]
    [InlineData("tag cpu-arch +3.51", "tag cpu-arch +3.51")]
    [InlineData("📊 芯片 ↗", "📊 芯片 ↗")]
    [InlineData("<script>alert('x') & \"y\"</script>", "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")]
    [InlineData("two\nlines\u0001\u0085", "two&#xA;lines&#x1;&#x85;")]   // control characters as references, as before
    [InlineData("", "")]
    public void Text_WritesOnlyWhatTheParserWouldTakeForMarkupAsReferences(string value, string expected)
    {
        Assert.Equal(expected, new ReviewHtml().Text(value).ToString());
    }

    // Built here, not in an attribute's data: a lone surrogate does not survive the test's metadata.
    [Fact]
    public void Text_ALoneSurrogate_BecomesTheReplacementCharacter_APairStays()
    {
        Assert.Equal("a\uFFFDb\uD83D\uDCCA", new ReviewHtml().Text("a" + '\uD83D' + "b" + "\uD83D\uDCCA").ToString());
    }

    // A title cut in the middle of an emoji ends in a high surrogate with nothing after it to pair with (mutation audit 22:
    // no value ended so).
    [Fact]
    public void Text_ALoneHighSurrogateAtTheEnd_BecomesTheReplacementCharacter()
    {
        Assert.Equal("cut \uFFFD", new ReviewHtml().Text("cut " + '\uD83D').ToString());
    }

    [Theory]
    [InlineData("tag cpu-arch +3.51, title 美元 -0.02; against: it's \"fine\" & <b>bold</b>")]
    [InlineData("💎 emoji 📊 past the BMP")]
    [InlineData("a line break\nand a tab\tand a control \u0001")]
    public void Text_ReadsBackAsTheSameText_InAnElementAndInAnAttribute(string value)
    {
        var markup = new ReviewHtml().Raw("<textarea").Attr("title", value).Raw(">").Text(value).Raw("</textarea>").ToString();

        var element = new HtmlParser().ParseDocument(markup).QuerySelector("textarea")!;

        Assert.Equal(value, element.TextContent);
        Assert.Equal(value, element.GetAttribute("title"));
    }
}
