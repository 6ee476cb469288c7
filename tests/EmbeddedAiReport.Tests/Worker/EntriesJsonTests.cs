using System.Text.Json;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>Issue 18 item 5: <c>GET /entries</c> (and every other JSON body, a refusal's too) writes Chinese as UTF-8 text, not <c>\u5E95</c> escapes, and stays valid JSON.</summary>
public sealed class EntriesJsonTests : LoopbackTest
{
    [Fact]
    public async Task GetEntries_ChineseTitles_AreUtf8TextInValidJson()
    {
        var items = CorpusFeeds.Items("2020-05-15.md");
        var config = Folder.ConfigWithSources(CorpusFeeds.ServeBySection(Server, items, new DateTimeOffset(2020, 5, 12, 10, 0, 0, TimeSpan.FromHours(8)),
            schedule: "0 0 0 1 1 ? 2099"));
        var db = Folder.File("report.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        var loaded = WorkerHost.LoadConfig(config, db);
        var body = await DaemonApplication.WithClientAsync(loaded, (_, http) => http.GetStringAsync("entries?week=2020-W20"));

        var chinese = items.Select(i => IssueMarkdownParser.SplitAccount(i.Title).Title).Where(t => t.Any(c => c is >= '\u4e00' and <= '\u9fff')).ToList();
        Assert.NotEmpty(chinese);
        // Every title without characters JSON or HTML escape (quotes, < > & + backslash) appears in the body as written.
        foreach (var title in chinese.Where(t => !t.Any(c => c is '"' or '\'' or '<' or '>' or '&' or '+' or '\\')))
            Assert.Contains(title, body);
        Assert.DoesNotContain("\\u4", body);
        Assert.DoesNotContain("\\u5", body);
        var titles = JsonDocument.Parse(body).RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("title").GetString()).ToHashSet();
        Assert.Superset(chinese.ToHashSet(), titles!);
    }

    // A refused path is quoted in the problem's detail (Results.Problem: ASP.NET Core's relaxed encoder): a week or a date
    // written in Chinese stays text there too.
    [Theory]
    [InlineData("drafts/2020年第48周.md", 400, "'2020年第48周' is not an ISO week such as 2020-W48, days such as 2020-05-01..2020-05-15, or since-last")]
    [InlineData("issues/2020年5月15日.md", 400, "'2020年5月15日' is not a date such as 2020-05-15")]
    public async Task Get_PathInChinese_TheProblemQuotesItAsUtf8Text(string path, int status, string detail)
    {
        var config = Folder.ConfigWithSources("""{"sources": []}""");
        var db = Folder.File("report.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        var (code, body) = await DaemonApplication.WithClientAsync(WorkerHost.LoadConfig(config, db), async (_, http) =>
        {
            using var response = await http.GetAsync(path);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        Assert.Equal(status, code);
        Assert.Equal(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("\\u", body.Replace("\\u0027", ""));
    }

    // README: the section parameter is a slug or a name (`papers`, `论文`); a refused one is a 400 whose `accepted` lists
    // both, and the names are the draft's Chinese headings as the editor writes them, not \u8BBA\u6587.
    [Fact]
    public async Task GetEntries_UnknownSection_ListsTheSectionNamesAsUtf8Text()
    {
        var config = Folder.ConfigWithSources("""{"sources": []}""");
        var db = Folder.File("report.db");
        Assert.Equal(0, (await CliRunner.RunAsync("poll", "--config", config, "--db", db)).ExitCode);
        var body = await DaemonApplication.WithClientAsync(WorkerHost.LoadConfig(config, db), async (_, http) =>
        {
            using var response = await http.GetAsync("entries?section=nosuch");
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        });

        Assert.Contains("\"accepted\":[\"news\",\"业界新闻\",\"papers\",\"论文\",\"opensource\",\"开源项目\",\"blogs\",\"博文\"]", body);
        Assert.Contains("(known: news, 业界新闻, papers, 论文, opensource, 开源项目, blogs, 博文)", body);
        Assert.DoesNotContain("\\u", body.Replace("\\u0027", ""));   // ' stays escaped, as in every answer (HTML-safe JSON)
        Assert.Equal("section", JsonDocument.Parse(body).RootElement.GetProperty("parameter").GetString());
    }
}
