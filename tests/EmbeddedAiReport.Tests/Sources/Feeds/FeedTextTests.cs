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
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

    private static Encoding Gb18030
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("gb18030");
        }
    }

    private static string Rss(string secondTitle) =>
        "<rss version=\"2.0\"><channel><title>机器之心</title><link>https://example.org/</link>"
        + "<item><title>端侧大模型推理加速</title><link>https://example.org/1</link></item>"
        + $"<item><title>{secondTitle}</title><link>https://example.org/2</link></item>"
        + "<item><title>模型量化与剪枝实践</title><link>https://example.org/3</link></item></channel></rss>";

    // The second title's bytes with one raw byte between 高通发布 and 新一代NPU.
    private static byte[] Utf8WithStrayByte(string prolog, byte stray)
    {
        var feed = prolog + Rss("高通发布|新一代NPU");
        var cut = feed.IndexOf('|', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(feed[..cut]), stray, .. Encoding.UTF8.GetBytes(feed[(cut + 1)..])];
    }

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

    [Theory]
    [InlineData("declared utf-8, stray 0x80", Declaration, null, 0x80)]
    [InlineData("no declaration, stray 0x80", "", null, 0x80)]
    [InlineData("declared and served as utf-8, a Latin-1 é", Declaration, "utf-8", 0xE9)]
    [InlineData("no declaration, a Latin-1 é", "", null, 0xE9)]
    public void Decode_Utf8FeedWithOneInvalidByte_StaysUtf8WithAReplacementCharacter(string scenario, string prolog, string? charset, byte stray)
    {
        var (text, encoding) = FeedText.Decode(Utf8WithStrayByte(prolog, stray), charset);

        Assert.True(encoding == "utf-8", $"{scenario}: read as {encoding}");
        Assert.Equal(prolog + Rss("高通发布\uFFFD新一代NPU"), text);
    }

    [Fact]
    public void Parse_Utf8FeedWithOneInvalidByte_StoresEveryTitleInChinese()
    {
        var feed = ParseFeed(Utf8WithStrayByte(Declaration, 0x80), "utf-8");

        Assert.Equal("机器之心", feed.Title);
        Assert.Equal(["端侧大模型推理加速", "高通发布\uFFFD新一代NPU", "模型量化与剪枝实践"], feed.Items.Select(item => item.Title));
    }

    [Theory]
    [InlineData("utf-8", Declaration)]
    [InlineData(null, "<?xml version=\"1.0\" encoding=\"gbk\"?>")]
    public void Decode_GbkBodyThatClaimsUtf8_IsReadAsGb18030(string? charset, string prolog)
    {
        var xml = prolog + Rss("高通发布新一代NPU");

        var (text, encoding) = FeedText.Decode(Gb18030.GetBytes(xml), charset);

        Assert.Equal(("gb18030", xml), (encoding, text));
    }

    [Theory]
    [InlineData("served as gb2312, declared utf-8", Declaration, "gb2312")]
    [InlineData("served as gbk, declared utf-8", Declaration, "gbk")]
    [InlineData("served as windows-1252, declared utf-8", Declaration, "windows-1252")]
    [InlineData("served as ISO-8859-1 (Apache's default), no declaration", "", "ISO-8859-1")]
    public void Decode_Utf8BodyServedWithALegacyCharset_IsReadAsUtf8(string scenario, string prolog, string charset)
    {
        var xml = prolog + "<rss version=\"2.0\"><channel><title>机器之心</title><item><title>端侧大模型推理加速了</title></item></channel></rss>";
        var body = Encoding.UTF8.GetBytes(xml);
        // These bytes also decode as GB18030 (and as any single-byte encoding) without an error: only the content can tell.
        _ = Encoding.GetEncoding("gb18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback).GetString(body);

        var (text, encoding) = FeedText.Decode(body, charset);

        Assert.True(encoding == "utf-8", $"{scenario}: read as {encoding}");
        Assert.Equal(xml, text);
        Assert.Equal("端侧大模型推理加速了", Assert.Single(ParseFeed(body, charset).Items).Title);
    }

    [Fact]
    public void Decode_GbkBodyDeclaringUtf8ServedAsGb2312_TrustsTheServer()
    {
        var xml = Declaration + Rss("高通发布新一代NPU");

        Assert.Equal((xml, "gb18030"), FeedText.Decode(Gb18030.GetBytes(xml), "gb2312"));
    }
}
