using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class SourceCatalogTests : IDisposable
{
    private readonly TestServices _services = new();

    public void Dispose() => _services.Dispose();

    private IReadOnlyList<string> Problems(string json) =>
        _services.Get<SourceCatalog>().Parse(json, "sources.json", new DraftOptions().SectionSlugs(), s => s.StartsWith("0 ") ? null : "not a cron expression").Problems;

    [Fact]
    public void Parse_ValidSource_ReadsEveryCommonField()
    {
        var source = Assert.Single(_services.Sources("""
            {"sources": [{"id": "blog", "kind": "feed", "url": "https://example.com/feed.xml", "schedule": "30m", "enabled": false,
              "section": "博文", "account": "Example", "include": ["NPU"], "exclude": "sponsored", "timeout": "10s", "maxBytes": 1000,
              "politenessDelay": "2s", "allowPrivateNetwork": true, "weight": 1.5}]}
            """));

        Assert.Equal("blog", source.Id);
        Assert.False(source.Enabled);
        Assert.Equal("blogs", source.Section);
        Assert.Equal(TimeSpan.FromMinutes(30).ToString(), Duration.TryParse(source.Schedule).ToString());
        Assert.Equal(["NPU"], source.Include);
        Assert.Equal(["sponsored"], source.Exclude);
        Assert.Equal(TimeSpan.FromSeconds(10), source.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), source.PolitenessDelay);
        Assert.Equal(1000, source.MaxBytes);
        Assert.True(source.AllowPrivateNetwork);
        Assert.Equal(1.5, source.Weight);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_BlankAccount_IsNotSet(string account)
    {
        // A blank account would be shown as "[title | ](url)": the draft template takes any text, "" too, as an account.
        var source = Assert.Single(_services.Sources($$"""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "account": "{{account}}"}]}"""));

        Assert.Null(source.Account);
    }

    [Theory]
    [InlineData("""{"sources": [{"id": "a", "kind": "nope", "url": "https://x.org/"}]}""", "sources.json: source 'a': kind: unknown kind 'nope'")]
    // A misspelt kind names the one meant too; "rss", a feed's format, is kind feed (README: any RSS or Atom address works with it).
    [InlineData("""{"sources": [{"id": "a", "kind": "arxiv-rs", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind 'arxiv-rs' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean arxiv-rss?")]
    [InlineData("""{"sources": [{"id": "a", "kind": "RSS", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind 'RSS' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean feed? (any RSS, Atom or JSON Feed address)")]
    // "atom" too; a transposition in a four-letter name (two edits) is within reach; a name that several kinds contain names each.
    [InlineData("""{"sources": [{"id": "a", "kind": "atom", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind 'atom' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean feed? (any RSS, Atom or JSON Feed address)")]
    [InlineData("""{"sources": [{"id": "a", "kind": "fede", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind 'fede' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean feed?")]
    // The spaces around a misspelt name are not edits: "fede " is "fede" (five characters would allow one edit only).
    [InlineData("""{"sources": [{"id": "a", "kind": " fede ", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind ' fede ' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean feed?")]
    [InlineData("""{"sources": [{"id": "a", "kind": "arxiv", "url": "https://x.org/"}]}""",
        "sources.json: source 'a': kind: unknown kind 'arxiv' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror); did you mean arxiv-api or arxiv-rss or arxiv-listing?")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed"}]}""", "sources.json: source 'a': url: required for kind 'feed'")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "ftp://x.org/f"}]}""", "sources.json: source 'a': url: not an absolute http(s) URL")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "schedule": "every day"}]}""", "sources.json: source 'a': schedule: not a cron expression")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "schedule": "10s"}]}""", "sources.json: source 'a': schedule: interval 10s is shorter than a minute")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "schedule": "9999999d"}]}""", "sources.json: source 'a': schedule: interval 9999999d is longer than a year")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "timeout": "0s"}]}""", "sources.json: source 'a': timeout: must be longer than zero, got 0s")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "budget": "0s"}]}""", "sources.json: source 'a': budget: must be longer than zero, got 0s")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "timeout": "99999d"}]}""", "sources.json: source 'a': timeout: must be at most 1 day, got 99999d")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "politenessDelay": "60d"}]}""", "sources.json: source 'a': politenessDelay: must be at most 1 day, got 60d")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "colour": "red"}]}""", "sources.json: source 'a': colour: unknown field for kind 'feed'")]
    // A misspelt field names the one meant, as appsettings.json's keys and tags.json's fields are named (an ops walk typed these).
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "shedule": "2h"}]}""", "sources.json: source 'a': shedule: unknown field for kind 'feed'; did you mean schedule?")]
    [InlineData("""{"sources": [{"id": "a", "kind": "github-releases", "repos": ["o/r"], "prerelease": true}]}""", "sources.json: source 'a': prerelease: unknown field for kind 'github-releases'; did you mean prereleases?")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "include": "([a"}]}""", "sources.json: source 'a': include: bad regex '([a'")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "section": "sports"}]}""", "sources.json: source 'a': section: unknown section 'sports'")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "timeout": "soon"}]}""", "sources.json: source 'a': timeout: 'soon' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    // "NaN" reads as a number (double.Parse takes it); no count of seconds or days is not a duration either.
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "timeout": "NaNs"}]}""", "sources.json: source 'a': timeout: 'NaNs' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "schedule": "NaNh"}]}""", "sources.json: source 'a': schedule: 'NaNh' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss, or as a Quartz cron expression")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "enabled": "yes"}]}""", "sources.json: source 'a': enabled: expected true or false")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "weight": 1e400}]}""", "sources.json: source 'a': weight: expected a number")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "weight": "2"}]}""", "sources.json: source 'a': weight: expected a number")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "maxBytes": -1}]}""", "sources.json: source 'a': maxBytes: expected a positive whole number")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": "Cookie: a=1"}]}""", "sources.json: source 'a': headers: expected an object of header name → value, got String")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X Token": "1"}}]}""", "sources.json: source 'a': headers: 'X Token': not an HTTP header name")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Cookie:": "a=1"}}]}""", "sources.json: source 'a': headers: 'Cookie:': not an HTTP header name")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": "a\r\nX-Injected: 1"}}]}""", "sources.json: source 'a': headers: 'X-Token': the value has a line break (CR or LF)")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": "a\nb"}}]}""", "sources.json: source 'a': headers: 'X-Token': the value has a line break (CR or LF)")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": ""}}]}""", "sources.json: source 'a': headers: 'X-Token': empty value")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": 42}}]}""", "sources.json: source 'a': headers: 'X-Token': expected a string, got Number")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Cookie": "a=1", "cookie": "b=2"}}]}""", "sources.json: source 'a': headers: 'cookie': given twice (header names are case-insensitive)")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Host": "y.org"}}]}""", "sources.json: source 'a': headers: 'Host': set by the fetcher, not per source")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Content-Length": "0"}}]}""", "sources.json: source 'a': headers: 'Content-Length': set by the fetcher, not per source")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"if-none-match": "\"x\""}}]}""", "sources.json: source 'a': headers: 'if-none-match': set by the fetcher, not per source (the fetcher sends the ETag stored from the last poll")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}}]}""", "sources.json: source 'a': headers: 'If-Modified-Since': set by the fetcher, not per source")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Accept-Encoding": "br"}}]}""", "sources.json: source 'a': headers: 'Accept-Encoding': set by the fetcher, not per source")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headersEnv": {"Authorization": "Bearer abc"}}]}""", "sources.json: source 'a': headersEnv: 'Authorization': not an environment variable name (letters, digits, _), not the value")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Cookie": "a=1"}, "headersEnv": {"cookie": "EAIR_TEST_NEVER_SET_4F0C"}}]}""", "sources.json: source 'a': headersEnv: 'cookie': also set in 'headers'; keep one")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": "caf\u00e9"}}]}""", "sources.json: source 'a': headers: 'X-Token': the value has a control or non-ASCII character")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Cookie": "a=1"}, "headersEnv": {"cookie": "a=2"}}]}""", "sources.json: source 'a': headersEnv: 'cookie': also set in 'headers'; keep one")]
    [InlineData("""{"sources": [{"id": "a", "kind": "github-releases", "repo": "Tencent/ncnn", "api": "rest", "tokenEnv": "GH_PAT", "headers": {"Authorization": "token x"}}]}""", "sources.json: source 'a': headers: 'Authorization' and tokenEnv both give the API credentials; keep one")]
    [InlineData("""{"sources": [{"kind": "feed", "url": "https://x.org/"}]}""", "sources.json: source #1: id: required")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/"}, {"id": "a", "kind": "feed", "url": "https://y.org/"}]}""", "sources.json: source 'a': id: source #1 has it too")]
    [InlineData("""{"feeds": []}""", "sources.json: expected an object {\"sources\": [ … ]}")]
    [InlineData("""{"sources": [""", "sources.json: not valid JSON")]
    public void Parse_BadValue_NamesFileSourceAndField(string json, string expected)
    {
        var problem = Assert.Single(Problems(json));
        Assert.StartsWith(expected, problem);
    }

    // A kind more than two edits from every known one (four letters: CloseNames' bound) and contained in none names no
    // kind it might have meant: "news" is three edits from feed, "nope" four.
    [Theory]
    [InlineData("news")]
    [InlineData("nope")]
    public void Parse_KindFarFromEveryKnownOne_SuggestsNone(string kind) =>
        Assert.Equal(
            [$"sources.json: source 'a': kind: unknown kind '{kind}' (known: arxiv-api, arxiv-listing, arxiv-rss, feed, github-releases, wechat-mirror)"],
            Problems($$"""{"sources": [{"id": "a", "kind": "{{kind}}", "url": "https://x.org/"}]}"""));

    [Fact]
    public void Parse_DuplicateId_NamesBothSourcesByPosition()
    {
        // The operator's week (round 43): "used by another source too" left the operator to search the file for the other one.
        // Positions count from 1, as "source #2: id: required" does; the id alone names both.
        var problems = Problems("""
            {"sources": [{"id": "arxiv-cs-lg", "kind": "feed", "url": "https://x.org/"},
                         {"id": "b", "kind": "feed", "url": "https://y.org/"},
                         {"id": "arxiv-cs-lg", "kind": "feed", "url": "https://z.org/"}]}
            """);

        Assert.Equal(["sources.json: source 'arxiv-cs-lg': id: source #1 has it too (this is source #3); give each source its own id"], problems);
    }

    // A duplicate id was looked for only among sources with no other problem: fixing the URL of one showed the duplicate only
    // in the next round. It is said with the others, whatever they are.
    [Fact]
    public void Parse_DuplicateIdOfSourcesWithOtherProblems_IsSaidWithThem()
    {
        var problems = Problems("""
            {"sources": [{"id": "arxiv-cs-lg", "kind": "feed", "url": "ftp://x.org/"},
                         {"id": "arxiv-cs-lg", "kind": "feed", "url": "https://y.org/", "timeout": "0s"}]}
            """);

        Assert.Equal(
            ["sources.json: source 'arxiv-cs-lg': url: not an absolute http(s) URL: 'ftp://x.org/'",
             "sources.json: source 'arxiv-cs-lg': timeout: must be longer than zero, got 0s",
             "sources.json: source 'arxiv-cs-lg': id: source #1 has it too (this is source #2); give each source its own id"],
            problems);
    }

    [Fact]
    public void Parse_AnIdUsedThrice_EachLaterSourceNamesTheFirstByItsPositionInTheFile()
    {
        // Positions are the file's, as "source #1: id: required" counts them (a source with a problem is still one); the
        // third source with an id names the first, where the id was first given. Ids are compared as written ("A" is not "a").
        var problems = Problems("""
            {"sources": [{"kind": "feed", "url": "https://w.org/"},
                         {"id": "a", "kind": "feed", "url": "https://x.org/"},
                         {"id": "a", "kind": "feed", "url": "https://y.org/"},
                         {"id": "a", "kind": "feed", "url": "https://z.org/"},
                         {"id": "A", "kind": "feed", "url": "https://v.org/"}]}
            """);

        Assert.Equal(3, problems.Count);
        Assert.StartsWith("sources.json: source #1: id: required", problems[0]);
        Assert.Equal(
        [
            "sources.json: source 'a': id: source #2 has it too (this is source #3); give each source its own id",
            "sources.json: source 'a': id: source #2 has it too (this is source #4); give each source its own id",
        ], problems.Skip(1));
    }

    // README, sources.json: durations are 90s, 5m … and must be positive; "-5m" was "not a duration", which sent the operator
    // to the forms instead of to the minus (round 43). A negative clock form is the same mistake.
    [Theory]
    [InlineData("\"timeout\": \"-5m\"", "timeout: '-5m' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("\"politenessDelay\": \"-00:00:30\"", "politenessDelay: '-00:00:30' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("\"schedule\": \"-2h\"", "schedule: '-2h' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss, or as a Quartz cron expression")]
    public void Parse_NegativeDuration_SaysItIsNegative(string field, string expected)
    {
        var problem = Assert.Single(Problems($$"""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", {{field}}}]}"""));

        Assert.Equal($"sources.json: source 'a': {expected}", problem);
    }

    // RFC 9110 §5.5: a field value's visible ASCII may hold spaces and tabs (README: printable ASCII, no line break).
    [Theory]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Token": "a\tb"}}]}""")]
    [InlineData("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Accept": "application/atom+xml, */*;q=0.5"}}]}""")]
    public void Parse_HeaderValueWithSpacesOrTabs_IsNoProblem(string json) => Assert.Empty(Problems(json));

    [Fact]
    public void Parse_HeadersEnvVariableNotSet_IsAWarningOfTheEnabledSourceNotAProblemOfTheFile()
    {
        // The variables are the polling daemon's: a shell that only drafts (export, entries) need not hold the secrets.
        var sources = _services.Sources("""
            {"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headersEnv": {"Authorization": "EAIR_TEST_NEVER_SET_4F0C"}},
                         {"id": "b", "kind": "feed", "url": "https://y.org/", "enabled": false, "headersEnv": {"Authorization": "EAIR_TEST_NEVER_SET_4F0C"}}]}
            """);

        Assert.Empty(Problems("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headersEnv": {"Authorization": "EAIR_TEST_NEVER_SET_4F0C"}}]}"""));
        Assert.Equal(["sources.json: source 'a': headersEnv: 'Authorization': environment variable EAIR_TEST_NEVER_SET_4F0C is not set (or is empty); the source's polls fail until it is set"],
            _services.Get<SourceCatalog>().Warnings(sources, "sources.json"));
    }

    [Fact]
    public void Parse_HeadersEnv_KeepsTheVariablesNameAndResolvesItsValueOnlyForTheRequest()
    {
        var variable = "EAIR_TEST_HEADER_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "Bearer kept-out-of-the-definition");
        try
        {
            var source = Assert.Single(_services.Sources($$$"""
                {"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"X-Api-Key": "k1"}, "headersEnv": {"Authorization": "{{{variable}}}"}}]}
                """));

            Assert.Equal("k1", source.Headers["X-Api-Key"]);
            Assert.Equal(variable, source.HeadersEnv["Authorization"]);
            // The definition is hashed into the scheduler's store and may be printed: the value is not in it.
            Assert.DoesNotContain("kept-out", System.Text.Json.JsonSerializer.Serialize(source, JsonContracts.Plain.For<SourceDefinition>()));
            Assert.DoesNotContain("kept-out", source.ToString());
            Assert.Equal("Bearer kept-out-of-the-definition", SourceHeaders.Resolve(source)["authorization"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Parse_BadHeaderValue_TheProblemDoesNotRepeatIt()
    {
        var problem = Assert.Single(Problems("""{"sources": [{"id": "a", "kind": "feed", "url": "https://x.org/", "headers": {"Cookie": "sid=hunter2\r\n"}}]}"""));

        Assert.Equal("sources.json: source 'a': headers: 'Cookie': the value has a line break (CR or LF)", problem);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var problems = Problems("""
            {"sources": [{"id": "a", "kind": "feed", "schedule": "x"}, {"id": "b", "kind": "feed", "url": "https://x.org/", "timeout": "later"}]}
            """);

        Assert.Equal(3, problems.Count);
    }
}
