using System.Runtime.Versioning;
using System.Text;
using EmbeddedAiReport.Sources.Opml;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary><c>sources import-opml</c> and <c>sources export-opml</c> on a copy of the shipped config folder (its sources.json has comments).</summary>
public sealed class SourcesOpmlCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string ShippedConfig()
    {
        var config = _directory.ConfigWithSources("{}");
        File.Copy(Path.Combine(Fixtures.ConfigDirectory, "sources.json"), Path.Combine(config, "sources.json"), overwrite: true);
        return config;
    }

    private static Task<CliResult> Import(string config, params string[] arguments) =>
        CliRunner.RunAsync(["sources", "import-opml", .. arguments, "--config", config]);

    [Fact]
    public async Task ImportOpml_WeweRssExport_AddsOneMirrorSourcePerAccountAndKeepsTheRestOfTheFile()
    {
        var config = ShippedConfig();
        var path = Path.Combine(config, "sources.json");
        var original = File.ReadAllText(path);

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("added wechat-mirror 'mp_wxs_3073282833': line 7: '机器之心' <http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom>", result.Out);
        Assert.Contains("added wechat-mirror 'giantpandacv': line 9: 'GiantPandaCV' <http://192.168.1.20:4000/feeds/MP_WXS_3883386418.atom>", result.Out);
        Assert.EndsWith($"5 sources added, 0 skipped: {path}\n", result.Out.ReplaceLineEndings("\n"));
        // The shipped file up to its last source's closing brace, and from there to the end, byte for byte; in between the new lines.
        var text = File.ReadAllText(path);
        var cut = original.LastIndexOf('}', original.LastIndexOf(']'));
        Assert.Equal(original[..(cut + 1)], text[..(cut + 1)]);
        Assert.Equal(original[(cut + 1)..], text[^(original.Length - cut - 1)..]);
        Assert.StartsWith(
            ",\n    { \"id\": \"mp_wxs_3073282833\", \"kind\": \"wechat-mirror\", \"mirror\": \"http://192.168.1.20:4000\", \"flavor\": \"wewe-rss\", \"format\": \"atom\", "
            + "\"accounts\": [{ \"feed\": \"MP_WXS_3073282833\", \"name\": \"机器之心\" }], \"allowPrivateNetwork\": true },\n",
            text[(cut + 1)..]);
        var validate = await CliRunner.RunAsync("validate", "--config", config, "--db", _directory.File("report.db"));
        Assert.True(validate.ExitCode == 0, validate.Error);
        Assert.Contains("16 sources", validate.Out);   // the 11 shipped and the 5 accounts
    }

    [Fact]
    public async Task ImportOpml_WeweRssExportWithAmpersandNames_AddsThemAndSaysWhichLinesWereRead()
    {
        var config = ShippedConfig();
        var file = Fixtures.PathOf("opml/wewe-rss-ampersand.opml");

        var result = await Import(config, file);

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Out.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal($"{file}: not well-formed XML as written: 4 bare '&'s on lines 8, 9, 11 read as '&amp;' (wewe-rss writes account names unescaped)", lines[0]);
        Assert.Equal("added wechat-mirror 'mp_wxs_3571942210': line 8: 'AI&芯片' <http://192.168.1.20:4000/feeds/MP_WXS_3571942210.atom>", lines[2]);
        Assert.Equal($"5 sources added, 0 skipped: {Path.Combine(config, "sources.json")}", lines[^1]);
        // The account keeps its name as wewe-rss shows it: the draft names it so.
        Assert.Contains("""{ "feed": "MP_WXS_3345091827", "name": "端侧AI&编译器&芯片" }""", File.ReadAllText(Path.Combine(config, "sources.json")));
    }

    [Fact]
    public async Task ImportOpml_TwoBareAmpersandsOnOneLine_SaidOnThatLine()
    {
        // One line said as "line", each '&' counted (mutation audit 15: "lines 3" survived).
        var config = ShippedConfig();
        var file = _directory.File("one-line.opml");
        File.WriteAllText(file, "<opml version=\"2.0\"><body>\n\n<outline text=\"端侧AI&编译器&芯片\" xmlUrl=\"https://a.example/feed\"/>\n</body></opml>");

        var result = await Import(config, file, "--dry-run");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"{file}: not well-formed XML as written: 2 bare '&'s on line 3 read as '&amp;' (wewe-rss writes account names unescaped)",
            result.Out.ReplaceLineEndings("\n").Split('\n')[0]);
    }

    [Fact]
    public async Task ImportOpml_NestedExport_RecognisesKindsAndSkipsFeedsAlreadyThere()
    {
        var config = ShippedConfig();

        var result = await Import(config, Fixtures.PathOf("opml/feedly-nested.opml"));

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal(
        [
            // export.arxiv.org/rss/cs.LG is the shipped arxiv-cs-lg's feed (rss.arxiv.org/rss/cs.LG) in another form
            "skipped line 9: 'cs.LG updates on arXiv.org' <http://export.arxiv.org/rss/cs.LG>: already in sources.json as 'arxiv-cs-lg'",
            "added arxiv-rss 'cs.ar-cs.pf-updates-on-arxiv.org': line 10: 'cs.AR+cs.PF updates on arXiv.org' <https://rss.arxiv.org/rss/cs.AR+cs.PF>",
            "skipped line 13: 'Release notes from ncnn' <https://github.com/Tencent/ncnn/releases.atom>: already in sources.json as 'github-inference-engines'",
            "added github-releases 'tags-from-mnn': line 14: 'Tags from MNN' <https://github.com/alibaba/MNN/tags.atom>",
            "added feed 'recent-commits-to-llama.cpp-master': line 15: 'Recent Commits to llama.cpp:master' <https://github.com/ggml-org/llama.cpp/commits/master.atom>",
            "added wechat-mirror 'wechat-wechat2rss-5b925323244e9737c39285596c53e3': line 19: '新智元' <https://rsshub.app/wechat/wechat2rss/5b925323244e9737c39285596c53e3a2f4a30774>",
            "added wechat-mirror '51e92aad2728acdd1fda7314be32b16639353001': line 20: '极市平台' <https://wechat2rss.xlab.app/feed/51e92aad2728acdd1fda7314be32b16639353001.xml>",
            "added feed 'high-scalability': line 24: 'High Scalability' <http://feeds.feedburner.com/HighScalability>",
            "added feed 'feeds.feedburner.com-ruanyifeng': line 25: '阮一峰的网络日志' <http://feeds.feedburner.com/ruanyifeng>",
            "added feed 'stratechery-by-ben-thompson': line 26: 'Stratechery by Ben Thompson' <https://stratechery.com/feed/>",
            // the same feed filed under a second category, in another URL form
            "skipped line 29: 'High Scalability' <https://feeds.feedburner.com/HighScalability/>: the same feed as line 24",
            $"8 sources added, 3 skipped: {Path.Combine(config, "sources.json")}",
        ], lines);
        var text = File.ReadAllText(Path.Combine(config, "sources.json"));
        // A Chinese title makes no id: the address does, and the title stays beside it.
        Assert.Contains("""{ "id": "feeds.feedburner.com-ruanyifeng", "kind": "feed", "url": "http://feeds.feedburner.com/ruanyifeng", "comment": "阮一峰的网络日志" }""", text);
        Assert.Contains("""{ "id": "cs.ar-cs.pf-updates-on-arxiv.org", "kind": "arxiv-rss", "category": ["cs.AR", "cs.PF"] }""", text);
    }

    [Fact]
    public async Task ImportOpml_Again_SkipsEveryFeedAndLeavesTheFile()
    {
        var config = ShippedConfig();
        await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));
        var path = Path.Combine(config, "sources.json");
        var before = File.ReadAllBytes(path);

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("skipped line 7: '机器之心' <http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom>: already in sources.json as 'mp_wxs_3073282833'", result.Out);
        Assert.Contains($"0 sources added, 5 skipped; {path} not changed", result.Out);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ImportOpml_AnAccountSourcesJsonPollsAsRss_ItsAtomFeedIsSkipped()
    {
        var config = ShippedConfig();
        var path = Path.Combine(config, "sources.json");
        File.WriteAllText(path, """
            {"sources": [
              {"id": "wx", "kind": "wechat-mirror", "mirror": "http://192.168.1.20:4000", "accounts": ["MP_WXS_3073282833"], "allowPrivateNetwork": true}
            ]}
            """);

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(0, result.ExitCode);
        // wewe-rss serves the account as .rss (what the source polls), .atom (what its OPML export lists) and .json.
        Assert.Contains("skipped line 7: '机器之心' <http://192.168.1.20:4000/feeds/MP_WXS_3073282833.atom>: already in sources.json as 'wx'", result.Out);
        Assert.Contains("4 sources added, 1 skipped", result.Out);
    }

    [Fact]
    public async Task ImportOpml_IdTaken_GetsANumber()
    {
        var config = _directory.ConfigWithSources("""{"sources": [{"id": "high-scalability", "kind": "feed", "url": "https://other.example/feed"}]}""");

        var result = await Import(config, Fixtures.PathOf("opml/feedly-nested.opml"), "--dry-run");

        Assert.Contains("would add feed 'high-scalability-2': line 24: 'High Scalability'", result.Out);
    }

    [Fact]
    public async Task ImportOpml_TwoFeedsOfTheSameTitle_TheSecondGetsANumber()
    {
        // Two accounts' feeds under one name (mutation audit 14: the ids the import had just given were not taken, so the
        // second got the same id and the whole file was refused as an id used twice).
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var opml = _directory.File("same-title.opml");
        File.WriteAllText(opml, """
            <opml version="2.0"><body>
            <outline text="Edge AI" xmlUrl="https://a.example/feed"/>
            <outline text="Edge AI" xmlUrl="https://b.example/feed"/>
            </body></opml>
            """);

        var result = await Import(config, opml);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("added feed 'edge-ai': line 2: 'Edge AI' <https://a.example/feed>", result.Out);
        Assert.Contains("added feed 'edge-ai-2': line 3: 'Edge AI' <https://b.example/feed>", result.Out);
    }

    [Fact]
    public async Task ImportOpml_DryRun_SaysAndWritesNothing()
    {
        var config = ShippedConfig();
        var before = File.ReadAllBytes(Path.Combine(config, "sources.json"));

        var result = await Import(config, Fixtures.PathOf("opml/inoreader-gb2312.opml"), "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would add wechat-mirror 'wechat-ce-595a5b14d7164e53908f4d4fd4a33e8c': line 8: '机器之心' <https://rsshub.example.org/wechat/ce/595a5b14d7164e53908f4d4fd4a33e8c>", result.Out);
        Assert.Contains("2 sources would be added, 0 skipped (dry run:", result.Out);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(config, "sources.json")));
    }

    [Fact]
    public async Task ImportOpml_ScheduleAndSection_AreWrittenOnEverySource()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"), "--schedule", "0 15 8,20 * * ?", "--section", "业界新闻");

        Assert.Equal(0, result.ExitCode);
        var text = File.ReadAllText(Path.Combine(config, "sources.json"));
        Assert.Equal(5, text.Split("\"schedule\": \"0 15 8,20 * * ?\", \"section\": \"业界新闻\"").Length - 1);
    }

    [Theory]
    [InlineData("--schedule", "whenever", "--schedule: 'whenever' is not a duration")]
    [InlineData("--section", "gossip", "--section: unknown section 'gossip'")]
    public async Task ImportOpml_BadOption_IsOneLineAndNothingWritten(string option, string value, string line)
    {
        var config = ShippedConfig();
        var before = File.ReadAllBytes(Path.Combine(config, "sources.json"));

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(line, result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(config, "sources.json")));
    }

    [Fact]
    public async Task ImportOpml_OutlineThatFailsValidate_NamesItAndWritesNothing()
    {
        var config = ShippedConfig();
        var before = File.ReadAllBytes(Path.Combine(config, "sources.json"));

        // A feed that is no GitHub releases feed, made a github-releases source: no repo to read.
        var result = await Import(config, Fixtures.PathOf("opml/feedly-nested.opml"), "--kind", "github-releases");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 24: 'High Scalability' <http://feeds.feedburner.com/HighScalability>: sources.json: source 'high-scalability': repos: required", result.Error);
        Assert.Contains("; nothing was added to ", result.Error);
        Assert.Equal("", result.Out);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(config, "sources.json")));
    }

    [Theory]
    [InlineData("generic-feed/feedparser_illformed_undeclared_namespace.xml", "not an OPML file: its root element is <rss>, not <opml>; nothing was added")]
    // cut after 1200 bytes: 14 line ends, then 189 bytes of line 15 (wc)
    [InlineData("opml/cut", "not well-formed XML: line 15, column 190: Unexpected end of file")]
    public async Task ImportOpml_NoOpml_IsOneLineExit2AndNothingWritten(string fixture, string said)
    {
        var config = ShippedConfig();
        var before = File.ReadAllBytes(Path.Combine(config, "sources.json"));
        var file = fixture == "opml/cut" ? _directory.File("cut.opml") : Fixtures.PathOf(fixture);
        if (fixture == "opml/cut") File.WriteAllBytes(file, Fixtures.Bytes("opml/feedly-nested.opml")[..1200]);

        var result = await Import(config, file);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"{file}: {said}", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(config, "sources.json")));
    }

    [Fact]
    public async Task ImportOpml_SourcesFileItCannotEdit_RefusesAndLeavesIt()
    {
        // Valid for the daemon (a duplicate key: the last one counts) but not to be edited by guessing which list is meant.
        var config = _directory.ConfigWithSources("""{"sources": [], "sources": []}""");
        var before = File.ReadAllBytes(Path.Combine(config, "sources.json"));

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sources.json: cannot be edited safely: it has \"sources\" more than once; nothing was added (add the sources by hand)", result.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(config, "sources.json")));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task ImportOpml_WritesANewFileInPlaceOfTheOld_NeverRewritesIt()
    {
        var config = ShippedConfig();
        var path = Path.Combine(config, "sources.json");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var original = File.ReadAllBytes(path);
        // A reader that opened the file before (the daemon's reload) reads the old file whole, not a mix: the new one is
        // written beside it and renamed over it.
        await using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(0, result.ExitCode);
        using var old = new MemoryStream();
        await reader.CopyToAsync(old);
        Assert.Equal(original, old.ToArray());
        Assert.Contains("MP_WXS_3941633310", File.ReadAllText(path));
        Assert.Equal(["sources.json"], Directory.GetFiles(config, "*sources.json*", SearchOption.TopDirectoryOnly).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task ImportOpml_SourcesFileEditedWhileTheSourcesWereAdded_WritesNothingAndKeepsTheEdit()
    {
        // An edit saved by hand while the import works would be lost under its rename: the file is read again just before,
        // and nothing is written when it changed (mutation audit 14: dropping that check survived). The edit is saved as the
        // command says its first "added" line, after it read the file and before it writes it.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var path = Path.Combine(config, "sources.json");
        const string edited = """{"sources": [{"id": "by-hand", "kind": "feed", "url": "https://hand.example/feed"}]}""";
        using var output = new EditingWriter(line => line.StartsWith("added ", StringComparison.Ordinal), () => File.WriteAllText(path, edited));
        using var error = new StringWriter();

        var code = await ReportCli.InvokeAsync(["sources", "import-opml", Fixtures.PathOf("opml/wewe-rss-all.opml"), "--config", config], output, error, null, CancellationToken.None);

        Assert.True(output.Edited);
        Assert.Equal(2, code);
        Assert.Equal($"{path}: changed while the sources were being added; nothing was added (run the command again)", error.ToString().Trim());
        Assert.Equal(edited, File.ReadAllText(path));
    }

    // Captures the output as CliRunner does, and runs `edit` once, at the first line `when` picks.
    private sealed class EditingWriter(Func<string, bool> when, Action edit) : StringWriter
    {
        public bool Edited { get; private set; }

        public override void WriteLine(string? value)
        {
            if (!Edited && value is not null && when(value))
            {
                edit();
                Edited = true;
            }
            base.WriteLine(value);
        }
    }

    [Fact]
    public async Task ImportOpml_SourcesFileIsALink_WritesTheFileItPointsTo()
    {
        var config = ShippedConfig();
        var kept = _directory.File("kept-sources.json");
        File.Move(Path.Combine(config, "sources.json"), kept);
        File.CreateSymbolicLink(Path.Combine(config, "sources.json"), kept);

        var result = await Import(config, Fixtures.PathOf("opml/wewe-rss-all.opml"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(kept, new FileInfo(Path.Combine(config, "sources.json")).LinkTarget);
        Assert.Contains("MP_WXS_3941633310", File.ReadAllText(kept));
    }

    [Fact]
    public async Task ExportOpml_ShippedSources_OneOutlinePerAddressPolled()
    {
        var config = ShippedConfig();

        var result = await CliRunner.RunAsync("sources", "export-opml", "--config", config);

        Assert.Equal(0, result.ExitCode);
        var outlines = OpmlParser.Parse(Encoding.UTF8.GetBytes(result.Out)).Outlines;
        // config/sources.json by hand: 7 arXiv sources, 9 + 1 repos, 16 WeChat accounts, 1 feed.
        Assert.Equal(34, outlines.Count);
        Assert.Equal(("arxiv-cs-lg", "https://rss.arxiv.org/rss/cs.LG", "https://arxiv.org/list/cs.LG/recent"), (outlines[0].Title, outlines[0].XmlUrl, outlines[0].HtmlUrl));
        Assert.Contains(outlines, o => o is { Title: "github-inference-engines: Tencent/ncnn", XmlUrl: "https://github.com/Tencent/ncnn/releases.atom", HtmlUrl: "https://github.com/Tencent/ncnn/releases" });
        Assert.Contains(outlines, o => o is { Title: "机器之心", XmlUrl: "https://wechat-mirror.example.invalid/feeds/SET-ME-jiqizhixin.rss", HtmlUrl: null });
        Assert.Contains("category=\"wechat-mirror\"", result.Out);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">", result.Out);
    }

    [Fact]
    public async Task ExportOpml_EveryOutline_IsAFeedSubscriptionWithTheTextReadersShow()
    {
        // OPML 2.0 (opml.org/spec2): an outline's text is required, what a reader shows; a subscription is type="rss". Readers
        // that need them (mutation audit 14: dropping either survived, OpmlParser reading the title without them).
        var config = ShippedConfig();

        var result = await CliRunner.RunAsync("sources", "export-opml", "--config", config);

        var outlines = System.Xml.Linq.XDocument.Parse(result.Out).Descendants("outline").ToList();
        Assert.Equal(34, outlines.Count);
        Assert.All(outlines, o => Assert.Equal(("rss", (string?)o.Attribute("title")), ((string?)o.Attribute("type"), (string?)o.Attribute("text"))));
        Assert.Contains(outlines, o => (string?)o.Attribute("text") == "github-inference-engines: Tencent/ncnn");
    }

    [Fact]
    public async Task ExportOpml_ThenImport_GivesTheSameSources()
    {
        var first = _directory.ConfigWithSources("""{"sources": []}""", "first");
        await Import(first, Fixtures.PathOf("opml/wewe-rss-all.opml"));
        await Import(first, Fixtures.PathOf("opml/feedly-nested.opml"));
        var opml = _directory.File("sources.opml");

        var export = await CliRunner.RunAsync("sources", "export-opml", "--out", opml, "--config", first);
        var again = await Import(first, opml);
        var second = _directory.ConfigWithSources("""{"sources": []}""", "second");
        var fresh = await Import(second, opml);

        Assert.Equal(0, export.ExitCode);
        Assert.Contains("0 sources added, 15 skipped;", again.Out);
        Assert.Contains("15 sources added, 0 skipped:", fresh.Out);
        // The same objects but for the comment that kept a Chinese title (the export's title is the id it made).
        static IEnumerable<string> Objects(string config) => File.ReadAllLines(Path.Combine(config, "sources.json"))
            .Where(l => l.TrimStart().StartsWith("{ \"id\"", StringComparison.Ordinal)).Select(l => l.Trim().TrimEnd(',').Replace(", \"comment\": \"阮一峰的网络日志\"", ""));
        Assert.Equal(Objects(first), Objects(second));
    }

    [Fact]
    public async Task ExportOpml_ThenImportIntoAnotherSourcesFile_KeepsTheAccountNameSectionScheduleAndDisabled()
    {
        var first = _directory.ConfigWithSources("""
            {"sources": [
              {"id": "mp_wxs_3571942210", "kind": "wechat-mirror", "mirror": "http://192.168.1.20:4000", "flavor": "wewe-rss", "format": "atom",
               "accounts": [{"feed": "MP_WXS_3571942210", "name": "AI&芯片"}], "allowPrivateNetwork": true, "schedule": "0 15 8,20 * * ?", "section": "news"},
              {"id": "high-scalability", "kind": "feed", "url": "http://feeds.feedburner.com/HighScalability", "section": "博文"},
              {"id": "arxiv-cs-lg", "kind": "arxiv-rss", "category": "cs.LG"},
              {"id": "old-blog", "kind": "feed", "url": "https://old.example/feed", "enabled": false}
            ]}
            """, "first");
        var opml = _directory.File("sources.opml");
        var export = await CliRunner.RunAsync("sources", "export-opml", "--out", opml, "--config", first);
        var second = _directory.ConfigWithSources("""{"sources": []}""", "second");
        var third = _directory.ConfigWithSources("""{"sources": []}""", "third");
        var fourth = _directory.ConfigWithSources("""{"sources": []}""", "fourth");

        var imported = await Import(second, opml);
        var overridden = await Import(third, opml, "--section", "papers");
        var rescheduled = await Import(fourth, opml, "--schedule", "6h");

        Assert.Equal(0, export.ExitCode);
        Assert.Contains("""title="AI&amp;芯片" xmlUrl="http://192.168.1.20:4000/feeds/MP_WXS_3571942210.atom" category="wechat-mirror" section="news" schedule="0 15 8,20 * * ?" />""", File.ReadAllText(opml));
        Assert.True(imported.ExitCode == 0, imported.Error);
        static string[] Objects(string config) => [.. File.ReadAllLines(Path.Combine(config, "sources.json"))
            .Where(l => l.TrimStart().StartsWith("{ \"id\"", StringComparison.Ordinal)).Select(l => l.Trim().TrimEnd(','))];
        // The section by its slug, the default schedule (1h) written nowhere, the disabled source still disabled.
        Assert.Equal(
        [
            """{ "id": "mp_wxs_3571942210", "kind": "wechat-mirror", "mirror": "http://192.168.1.20:4000", "flavor": "wewe-rss", "format": "atom", "accounts": [{ "feed": "MP_WXS_3571942210", "name": "AI&芯片" }], "allowPrivateNetwork": true, "schedule": "0 15 8,20 * * ?", "section": "news" }""",
            """{ "id": "high-scalability", "kind": "feed", "url": "http://feeds.feedburner.com/HighScalability", "section": "blogs" }""",
            """{ "id": "arxiv-cs-lg", "kind": "arxiv-rss", "category": "cs.LG" }""",
            """{ "id": "old-blog", "kind": "feed", "url": "https://old.example/feed", "enabled": false }""",
        ], Objects(second));
        Assert.Contains("added feed 'old-blog' (disabled): line 10: 'old-blog' <https://old.example/feed>", imported.Out);
        // --section and --schedule are every added source's, whatever the outline says (mutation audit 15: the outline's
        // schedule before the option's survived).
        Assert.All(Objects(third), o => Assert.Contains("\"section\": \"papers\"", o));
        Assert.True(rescheduled.ExitCode == 0, rescheduled.Error);
        Assert.All(Objects(fourth), o => Assert.Contains("\"schedule\": \"6h\"", o));
        Assert.DoesNotContain("8,20", File.ReadAllText(Path.Combine(fourth, "sources.json")));
    }

    [Fact]
    public async Task ExportOpml_ThenImportIntoAnotherSourcesFile_KeepsKeepDaysLimitAndWeight()
    {
        // What no address carries (README's sources.json keys): attributes of our own namespace, read back on import.
        var first = _directory.ConfigWithSources("""
            {"sources": [
              {"id": "arxiv-cs-ar", "kind": "arxiv-rss", "category": "cs.AR", "keep": ["new", "replace"], "weight": 0.15},
              {"id": "arxiv-cs-lg-new", "kind": "arxiv-listing", "category": "cs.LG", "limit": 300, "keep": "new"},
              {"id": "arxiv-quant", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG", "days": 14, "limit": 400, "weight": -0.1}
            ]}
            """, "first");
        var opml = _directory.File("sources.opml");
        var export = await CliRunner.RunAsync("sources", "export-opml", "--out", opml, "--config", first);
        var second = _directory.ConfigWithSources("""{"sources": []}""", "second");

        var imported = await Import(second, opml);

        Assert.Equal(0, export.ExitCode);
        Assert.Contains("""category="arxiv-rss" eair:keep="new,replace" eair:weight="0.15" xmlns:eair="urn:embedded-ai-report:opml" />""", File.ReadAllText(opml));
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Equal(
        [
            """{ "id": "arxiv-cs-ar", "kind": "arxiv-rss", "category": "cs.AR", "keep": ["new", "replace"], "weight": 0.15 }""",
            """{ "id": "arxiv-cs-lg-new", "kind": "arxiv-listing", "category": "cs.LG", "keep": "new", "limit": 300 }""",
            """{ "id": "arxiv-quant", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG", "days": 14, "limit": 400, "weight": -0.1 }""",
        ], File.ReadAllLines(Path.Combine(second, "sources.json")).Where(l => l.TrimStart().StartsWith("{ \"id\"", StringComparison.Ordinal)).Select(l => l.Trim().TrimEnd(',')));
    }

    [Theory]
    [InlineData("eair:days=\"14\"", "eair:days=\"a week\"", "days: expected a whole number of days from 1 to 36500")]
    [InlineData("eair:weight=\"-0.1\"", "eair:weight=\"1e400\"", "weight: expected a number")]
    [InlineData("eair:limit=\"400\"", "eair:limit=\"400]\"", "limit: expected a whole number from 1 to 30000")]
    public async Task ImportOpml_ABadSettingAttribute_NamesItsOutlineAndWritesNothing(string written, string edited, string problem)
    {
        var first = _directory.ConfigWithSources("""
            {"sources": [{"id": "arxiv-quant", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG", "days": 14, "limit": 400, "weight": -0.1}]}
            """, "first");
        var opml = _directory.File("sources.opml");
        Assert.Equal(0, (await CliRunner.RunAsync("sources", "export-opml", "--out", opml, "--config", first)).ExitCode);
        File.WriteAllText(opml, File.ReadAllText(opml).Replace(written, edited, StringComparison.Ordinal));
        var second = _directory.ConfigWithSources("""{"sources": []}""", "second");
        var before = File.ReadAllBytes(Path.Combine(second, "sources.json"));

        var result = await Import(second, opml);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"line 7: 'arxiv-quant' <https://export.arxiv.org/api/query?", result.Error);
        Assert.Contains($": sources.json: source 'arxiv-quant': {problem}\n", result.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(second, "sources.json")));
    }

    [Fact]
    public async Task ExportOpml_ThenImport_ArxivListingAndApiSourcesComeBackAsTheirKinds()
    {
        // A feed source could not read either: a listing is an HTML page, and a feed reads one page of the API's results.
        var first = _directory.ConfigWithSources("""
            {"sources": [
              {"id": "arxiv-ar-listing", "kind": "arxiv-listing", "category": "cs.AR", "list": "recent", "show": 500},
              {"id": "arxiv-quant", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG", "maxResults": 200}
            ]}
            """, "first");
        var opml = _directory.File("sources.opml");
        var export = await CliRunner.RunAsync("sources", "export-opml", "--out", opml, "--config", first);
        var second = _directory.ConfigWithSources("""{"sources": []}""", "second");

        var imported = await Import(second, opml);

        Assert.Equal(0, export.ExitCode);
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Equal(
        [
            """{ "id": "arxiv-ar-listing", "kind": "arxiv-listing", "category": "cs.AR", "list": "recent", "show": 500 }""",
            """{ "id": "arxiv-quant", "kind": "arxiv-api", "query": "all:quantization AND cat:cs.LG", "maxResults": 200 }""",
        ], File.ReadAllLines(Path.Combine(second, "sources.json")).Where(l => l.TrimStart().StartsWith("{ \"id\"", StringComparison.Ordinal)).Select(l => l.Trim().TrimEnd(',')));
    }
}
