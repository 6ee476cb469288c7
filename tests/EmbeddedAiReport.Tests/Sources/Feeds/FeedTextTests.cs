using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources.Feeds;

/// <summary>
/// Which encoding <see cref="FeedText"/> picks for bytes whose charset is missing, wrong or damaged. Each body is built here
/// from its parts, so the bytes under test are visible; the expected text is written out.
/// </summary>
public sealed class FeedTextTests
{
    private static string Rss(string secondTitle) =>
        "<rss version=\"2.0\"><channel><title>机器之心</title><link>https://example.org/</link>"
        + "<item><title>端侧大模型推理加速</title><link>https://example.org/1</link></item>"
        + $"<item><title>{secondTitle}</title><link>https://example.org/2</link></item>"
        + "<item><title>模型量化与剪枝实践</title><link>https://example.org/3</link></item></channel></rss>";

    private static FeedDocument ParseFeed(byte[] body, string? charset) =>
        Assert.IsType<FeedDocument>(FeedDocumentParser.Parse(new FetchedDocument(body, "application/xml", charset,
            new Uri("https://example.org/feed.xml"), DateTimeOffset.UnixEpoch)).Feed);

    public static TheoryData<string, byte[], string> Utf16And32Bodies()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?>" + Rss("高通发布新一代NPU");
        var utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: true);
        return new()
        {
            { "UTF-16 LE with a BOM", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(xml)], "utf-16" },
            { "UTF-16 BE with a BOM", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(xml)], "utf-16BE" },
            { "UTF-32 LE with a BOM", [0xFF, 0xFE, 0, 0, .. Encoding.UTF32.GetBytes(xml)], "utf-32" },
            { "UTF-32 BE with a BOM", [0, 0, 0xFE, 0xFF, .. utf32BigEndian.GetBytes(xml)], "utf-32BE" },
            { "UTF-16 LE, no BOM (3C 00 3F 00)", Encoding.Unicode.GetBytes(xml), "utf-16" },
            { "UTF-16 BE, no BOM (00 3C 00 3F)", Encoding.BigEndianUnicode.GetBytes(xml), "utf-16BE" },
        };
    }

    [Theory]
    [MemberData(nameof(Utf16And32Bodies))]
    public void Decode_Utf16Or32Body_IsDetectedFromItsFirstBytes(string scenario, byte[] body, string expected)
    {
        var (text, encoding) = FeedText.Decode(body, null);

        Assert.True(encoding == expected, $"{scenario}: read as {encoding}");
        Assert.Equal("<?xml version=\"1.0\" encoding=\"utf-16\"?>" + Rss("高通发布新一代NPU"), text);
        Assert.Equal("高通发布新一代NPU", ParseFeed(body, null).Items[1].Title);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ISO-8859-1")]
    public void Decode_GermanLatin1BodyWithoutADeclaration_IsReadAsWindows1252(string? charset)
    {
        const string xml = "<rss version=\"2.0\"><channel><title>Lokales</title><item><title>Müller über Straßenbahn</title></item></channel></rss>";

        var (text, _) = FeedText.Decode(Encoding.Latin1.GetBytes(xml), charset);

        Assert.Equal(xml, text);
        Assert.Equal("Müller über Straßenbahn", Assert.Single(ParseFeed(Encoding.Latin1.GetBytes(xml), charset).Items).Title);
    }

    [Fact]
    public void Decode_GermanLatin1BodyWithoutAnyCharset_GuessesWindows1252NotGb18030() =>
        Assert.Equal("windows-1252", FeedText.Decode(Encoding.Latin1.GetBytes("<rss><channel><title>Müller über Straßenbahn</title></channel></rss>"), null).Encoding);

    [Fact]
    public void Decode_RealGb2312FeedWithoutAnyCharset_GuessesGb18030()
    {
        var (text, encoding) = FeedText.Decode(Fixtures.Bytes("generic-feed/feedparser_illformed_gb2312_no_decl.xml"), null);

        Assert.Equal("gb18030", encoding);
        Assert.Contains("<title>不归移民漫画系列：专业工作</title>", text, StringComparison.Ordinal);
    }
}
