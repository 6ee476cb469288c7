using System.Text;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class SourcesJsonTextTests
{
    private const string Added = """{ "id": "new", "kind": "feed", "url": "https://example.com/feed" }""";

    private static string Append(string text, params string[] objects)
    {
        var (result, problem) = SourcesJsonText.Append(Encoding.UTF8.GetBytes(text), objects);
        Assert.Null(problem);
        return Encoding.UTF8.GetString(result!);
    }

    [Fact]
    public void Append_ShippedFileWithComments_KeepsEveryByteAroundTheNewLines()
    {
        var original = File.ReadAllBytes(Path.Combine(Fixtures.ConfigDirectory, "sources.json"));

        var (text, problem) = SourcesJsonText.Append(original, [Added, Added.Replace("new", "newer")]);

        Assert.Null(problem);
        // The last source of the shipped file ends its line with '}'; the new ones follow it, and the rest is as it was.
        const string last = "\"comment\": \"set a working RSSHub base URL and enable\" }";
        var at = Encoding.UTF8.GetString(original).IndexOf(last, StringComparison.Ordinal) + last.Length;
        var cut = Encoding.UTF8.GetByteCount(Encoding.UTF8.GetString(original)[..at]);
        var inserted = $",\n    {Added},\n    {Added.Replace("new", "newer")}";
        Assert.Equal(original[..cut], text![..cut]);
        Assert.Equal(inserted, Encoding.UTF8.GetString(text, cut, Encoding.UTF8.GetByteCount(inserted)));
        Assert.Equal(original[cut..], text[(cut + Encoding.UTF8.GetByteCount(inserted))..]);
    }

    [Fact]
    public void Append_TrailingCommaAndCommentAfterTheLast_StaysValid()
    {
        var text = Append("{\"sources\": [\n  {\"id\": \"a\"}, // the first\n  /* end */\n]}\n", Added);

        Assert.Equal("{\"sources\": [\n  {\"id\": \"a\"},\n  " + Added + ", // the first\n  /* end */\n]}\n", text);
    }

    [Fact]
    public void Append_EmptyList_IndentsUnderTheKey()
    {
        Assert.Equal("{\n  \"sources\": [\n    " + Added + "\n  ]\n}", Append("{\n  \"sources\": []\n}", Added));
        Assert.Equal("{ \"sources\": [\n  " + Added + "\n  ] }", Append("{ \"sources\": [\n  ] }", Added));
    }

    [Fact]
    public void Append_TabIndentedFile_TheNewLinesTakeTheLastSourcesTabs()
    {
        // The indentation is the last element's own, not the key's plus two spaces (mutation audit 14: reading the last
        // element's closing brace instead of its start took the key's plus two, and no test had another indentation).
        var text = Append("{\n\t\"sources\": [\n\t\t{ \"id\": \"a\" }\n\t]\n}\n", Added);

        Assert.Equal("{\n\t\"sources\": [\n\t\t{ \"id\": \"a\" },\n\t\t" + Added + "\n\t]\n}\n", text);
    }

    [Fact]
    public void Append_CrLfAndByteOrderMark_AreKept()
    {
        var original = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\r\n  \"sources\": [\r\n    {\"id\": \"a\"}\r\n  ]\r\n}\r\n")).ToArray();

        var (text, _) = SourcesJsonText.Append(original, [Added]);

        Assert.Equal(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\r\n  \"sources\": [\r\n    {\"id\": \"a\"},\r\n    " + Added + "\r\n  ]\r\n}\r\n")), text);
    }

    [Fact]
    public void Append_SourcesKeyDeeperDown_IsNotTheList()
    {
        var text = Append("{\"x\": {\"sources\": []}, \"sources\": [{\"id\": \"a\"}]}", Added);

        Assert.Equal("{\"x\": {\"sources\": []}, \"sources\": [{\"id\": \"a\"},\n  " + Added + "]}", text);
    }

    [Theory]
    [InlineData("{\"sources\": [], \"sources\": []}", "it has \"sources\" more than once")]
    [InlineData("{\"sources\": {}}", "its \"sources\" is not a list")]
    [InlineData("{\"other\": []}", "it has no \"sources\" list")]
    public void Append_FileItCannotEditSafely_SaysWhy(string text, string problem)
    {
        var (result, said) = SourcesJsonText.Append(Encoding.UTF8.GetBytes(text), [Added]);

        Assert.Null(result);
        Assert.Equal(problem, said);
    }
}
