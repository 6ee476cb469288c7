using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Text;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// The fault-injection suite: one loopback route per way the web misbehaves, polled through the real fetcher, parser
/// and store. Each test is one case, numbered in its name (Fault01…); every failure must name the source, the URL and
/// what to do, carry no stack trace, and store nothing it should not.
/// </summary>
public sealed class FaultInjectionTests() : LoopbackTest(new TestServices())
{
    private const string Id = "faulty";
    private SourceDefinition Source(string path, string extra = "", TestServices? services = null) => Assert.Single((services ?? Services).Sources(
        $$"""{"sources": [{"id": "{{Id}}", "kind": "feed", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true{{extra}}}]}"""));

    private Task<PollResult> PollAsync(string path, string extra = "") =>
        Services.Get<SourcePoller>().PollAsync(Source(path, extra), CancellationToken.None);

    private Task<IReadOnlyList<StoredEntry>> EntriesAsync(TestServices? services = null) =>
        (services ?? Services).Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

    private void Serve(string path, string body, string contentType = "application/rss+xml; charset=utf-8") =>
        Serve(path, Encoding.UTF8.GetBytes(body), contentType);

    private void Serve(string path, byte[] body, string contentType) => Server.Map(path, async context =>
    {
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(body);
    });

    /// <summary>The user-facing line names the source and the URL, says what to do, and holds no stack trace.</summary>
    private void AssertClearFailure(PollResult result, string path, string hint)
    {
        Assert.True(result.Failed);
        var line = result.Describe();
        Assert.StartsWith($"{Id}: error: ", line);
        Assert.Contains(Server.Url(path).AbsoluteUri, line);
        Assert.Contains(hint, line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
    }

    private static FetchingOptions Retrying() => new()
    {
        HostDelays = [], Retries = 2, RetryBaseDelay = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromHours(12), TotalTimeout = TimeSpan.FromDays(1),
        CircuitBreakerFailures = 1_000_000,
    };

    // 500, and 408 Request Timeout: the server gave up waiting for the request, which "MAY" be repeated (RFC 9110 §15.5.9):
    // transient, like a 5xx.
    [Theory]
    [InlineData(500)]
    [InlineData(408)]
    public async Task PollAsync_Fault01_ServerError500Or408ThenRecovery_RetriesAndStoresEverything(int status)
    {
        using var services = new TestServices(fetching: Retrying());
        var calls = 0;
        Server.Map("feed.xml", async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = status;
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(3));
        });

        var poll = services.Get<SourcePoller>().PollAsync(Source("feed.xml", services: services), CancellationToken.None);
        var result = await ClockDriver.RunAsync(services.Clock, poll, TimeSpan.FromMilliseconds(250));

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task PollAsync_Fault02_ServerError500Persisting_FailsAfterRetriesWithAHint()
    {
        using var services = new TestServices(fetching: Retrying());
        Server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });

        var poll = services.Get<SourcePoller>().PollAsync(Source("feed.xml", services: services), CancellationToken.None);
        var result = await ClockDriver.RunAsync(services.Clock, poll, TimeSpan.FromMilliseconds(250));

        AssertClearFailure(result, "feed.xml", "HTTP 503");
        Assert.Contains("server error", result.Error);
        Assert.Equal(3, Server.Requests.Count);   // the first try and two retries
    }

    [Fact]
    public async Task PollAsync_Fault03_TooManyRequestsWithRetryAfterSeconds_WaitsThatLongOnTheClock()
    {
        using var services = new TestServices(fetching: Retrying());
        var stamps = new List<DateTimeOffset>();
        Server.Map("feed.xml", async context =>
        {
            lock (stamps) stamps.Add(services.Clock.GetUtcNow());
            if (stamps.Count == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "7";
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(2));
        });

        var poll = services.Get<SourcePoller>().PollAsync(Source("feed.xml", services: services), CancellationToken.None);
        var result = await ClockDriver.RunAsync(services.Clock, poll, TimeSpan.FromMilliseconds(250));

        Assert.Null(result.Error);
        Assert.Equal(2, stamps.Count);
        Assert.True(stamps[1] - stamps[0] >= TimeSpan.FromSeconds(7), $"retried after {stamps[1] - stamps[0]}, not the 7 s asked");
    }

    [Fact]
    public async Task PollAsync_Fault04_TooManyRequestsWithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        using var services = new TestServices(fetching: Retrying());
        var stamps = new List<DateTimeOffset>();
        Server.Map("feed.xml", async context =>
        {
            var now = services.Clock.GetUtcNow();
            lock (stamps) stamps.Add(now);
            if (stamps.Count == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = now.AddSeconds(20).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
                return;
            }
            await context.Response.Body.WriteAsync(FaultFeeds.Healthy(2));
        });

        var poll = services.Get<SourcePoller>().PollAsync(Source("feed.xml", services: services), CancellationToken.None);
        var result = await ClockDriver.RunAsync(services.Clock, poll, TimeSpan.FromMilliseconds(250));

        Assert.Null(result.Error);
        Assert.True(stamps[1] - stamps[0] >= TimeSpan.FromSeconds(19), $"retried after {stamps[1] - stamps[0]}, not at the date asked");
    }

    [Fact]
    public async Task PollAsync_Fault05_RetryAfterLongerThanMaxRetryAfter_NotRetriedAndSourcePausedThatLong()
    {
        using var services = new TestServices(fetching: Retrying());
        Server.Map("feed.xml", context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "7200";
            return Task.CompletedTask;
        });

        var result = await services.Get<SourcePoller>().PollAsync(Source("feed.xml", services: services), CancellationToken.None);

        AssertClearFailure(result, "feed.xml", "HTTP 429");
        Assert.Single(Server.Requests);
        var health = await services.Get<SourceStore>().GetHealthAsync(Id, CancellationToken.None);
        Assert.Equal(services.Clock.GetUtcNow().AddHours(2), health!.PausedUntil);
    }

    [Fact]
    public async Task PollAsync_Fault06_SlowBodyPastTimeout_TimesOutAndDropsTheConnection()
    {
        var hit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Map("slow.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>slow</title>");
            await context.Response.Body.FlushAsync();
            hit.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { aborted.TrySetResult(); }
        });

        var poll = PollAsync("slow.xml", """, "timeout": "5s" """);
        await hit.Task.WaitPatientlyAsync("the slow feed's request");
        Services.Clock.Advance(TimeSpan.FromSeconds(6));
        var result = await poll.WaitPatientlyAsync("the poll's end");

        AssertClearFailure(result, "slow.xml", "raise the source's timeout");
        Assert.Contains("timed out after 5s", result.Error);
        await aborted.Task.WaitPatientlyAsync("the server's sign that the client hung up");   // the server saw the client give up
    }

    [Fact]
    public async Task PollAsync_Fault07_ConnectionResetBeforeResponse_IsUnreachable()
    {
        Server.Map("reset.xml", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

        var result = await PollAsync("reset.xml");

        AssertClearFailure(result, "reset.xml", "unreachable");
        Assert.Equal(0, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_Fault08_TruncatedBodyShorterThanContentLength_FailsAndStoresNothing()
    {
        var feed = FaultFeeds.Healthy(20);
        Server.Map("cut.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            context.Response.ContentLength = feed.Length;
            await context.Response.Body.WriteAsync(feed.AsMemory(0, feed.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        var result = await PollAsync("cut.xml");

        AssertClearFailure(result, "cut.xml", "unreachable");
        Assert.Equal(0, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_Fault09_HundredMegabyteStreamedBody_AbortsAtTheCapAndTheServerStopsWriting()
    {
        var (finished, hungUp) = ServeHundredMegabytes("huge.xml", declareLength: false);

        var result = await PollAsync("huge.xml", """, "maxBytes": 1048576 """);

        AssertClearFailure(result, "huge.xml", "raise maxBytes");
        Assert.Contains("1048576 byte cap", result.Error);
        await finished.WaitPatientlyAsync("the server's handler to end");
        // The client hung up mid-body: a response read to its end would complete normally, with no sign of it.
        await hungUp.WaitPatientlyAsync("the server's sign that the client hung up");
    }

    [Fact]
    public async Task PollAsync_Fault10_DeclaredContentLengthOverTheCap_RefusedBeforeReadingTheBody()
    {
        var (finished, hungUp) = ServeHundredMegabytes("declared.xml", declareLength: true);

        var result = await PollAsync("declared.xml", """, "maxBytes": 1048576 """);

        AssertClearFailure(result, "declared.xml", "byte cap");
        await finished.WaitPatientlyAsync("the server's handler to end");
        // The client hung up mid-body: a response read to its end would complete normally, with no sign of it.
        await hungUp.WaitPatientlyAsync("the server's sign that the client hung up");
    }

    // Serves 100 MB of spaces in 64 KB chunks at PATH (with its Content-Length when declared). Finished: the handler ended.
    // HungUp: the server saw the client leave before the end, as an aborted request, a failed write or a completed pipe,
    // whichever comes first (under load the handler can finish on a completed pipe before Kestrel signals the abort). How
    // many bytes the server wrote is not measurable: after the abort, Kestrel turns writes into no-ops before it signals.
    private (Task Finished, Task HungUp) ServeHundredMegabytes(string path, bool declareLength)
    {
        const long Total = 100L * 1024 * 1024;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Map(path, async context =>
        {
            context.RequestAborted.Register(() => hungUp.TrySetResult());
            context.Response.ContentType = "application/xml";
            if (declareLength) context.Response.ContentLength = Total;
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            try
            {
                for (long written = 0; written < Total && !context.RequestAborted.IsCancellationRequested; written += chunk.Length)
                {
                    // FlushResult.IsCompleted: the connection is gone (Kestrel turns later writes into no-ops).
                    if ((await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted)).IsCompleted)
                    {
                        hungUp.TrySetResult();
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException) { hungUp.TrySetResult(); }
            finally { finished.TrySetResult(); }
        });
        return (finished.Task, hungUp.Task);
    }

    [Fact]
    public async Task PollAsync_Fault11_GzipBomb_StopsAtTheDecompressedCap()
    {
        var bomb = Compress(new byte[32 * 1024 * 1024], body => new GZipStream(body, CompressionLevel.SmallestSize));
        Assert.True(bomb.Length < 1024 * 1024);   // small on the wire, so only the decompressed count can catch it
        Server.Map("bomb.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentLength = bomb.Length;
            await context.Response.Body.WriteAsync(bomb);
        });

        var result = await PollAsync("bomb.xml", """, "maxBytes": 1048576 """);

        AssertClearFailure(result, "bomb.xml", "byte cap");
    }

    // A server that labels a plain body compressed (a misconfigured proxy or CDN): the decompressor refuses the bytes. The
    // poll fails as any broken response does, naming the source and URL, instead of throwing out of the fetch.
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task PollAsync_Fault12b_PlainBodyLabelledCompressed_FailsClearly(string encoding)
    {
        var feed = FaultFeeds.Healthy(4);
        Server.Map("mislabelled.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            context.Response.Headers.ContentEncoding = encoding;
            await context.Response.Body.WriteAsync(feed);
        });

        var result = await PollAsync("mislabelled.xml");

        AssertClearFailure(result, "mislabelled.xml", "unreachable");
        Assert.Equal(0, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task FetchAsync_ErrorBodyLabelledCompressed_IsTheFailureWithoutItsBody(string encoding)
    {
        // The summarizer reads error bodies (MaxErrorBytes) for the server's words: one its Content-Encoding mislabels threw
        // out of FetchAsync instead of leaving the 400 without words.
        Server.Map("chat", async context =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            context.Response.Headers.ContentEncoding = encoding;
            await context.Response.Body.WriteAsync("{\"error\":{\"message\":\"bad request\"}}"u8.ToArray());
        });

        var outcome = await Services.Get<Fetcher>().FetchAsync(
            new FetchRequest(Server.Url("chat"), HttpValidators.None, AllowPrivateNetwork: true, MaxErrorBytes: 16 * 1024), CancellationToken.None);

        var failure = Assert.IsType<FetchOutcome.HttpFailure>(outcome);
        Assert.Equal((400, null), (failure.Status, failure.Body));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task PollAsync_Fault12_CompressedFeed_IsDecoded(string encoding)
    {
        var feed = FaultFeeds.Healthy(4);
        var body = Compress(feed, stream => encoding switch
        {
            "gzip" => new GZipStream(stream, CompressionLevel.Fastest),
            "deflate" => new ZLibStream(stream, CompressionLevel.Fastest),
            _ => new BrotliStream(stream, CompressionLevel.Fastest),
        });
        Server.Map("packed.xml", async context =>
        {
            context.Response.ContentType = "application/xml";
            context.Response.Headers.ContentEncoding = encoding;
            await context.Response.Body.WriteAsync(body);
        });

        var result = await PollAsync("packed.xml");

        Assert.Null(result.Error);
        Assert.Equal(4, result.New);
    }

    [Fact]
    public async Task PollAsync_Fault13_XxeExternalEntity_NeverReadsTheFileNorFetchesTheDtd()
    {
        using var directory = new TempDirectory();
        var marker = "XXE-MARKER-" + Guid.NewGuid().ToString("N");
        var secret = directory.File("secret.txt");
        await File.WriteAllTextAsync(secret, marker);
        var prolog = $"""
            <!DOCTYPE rss [
              <!ENTITY xxe SYSTEM "file://{secret}">
              <!ENTITY % remote SYSTEM "{Server.Url("evil.dtd")}">
              %remote;
            ]>

            """;
        Serve("xxe.xml", FaultFeeds.Rss(
            FaultFeeds.Item("Leak &xxe;", "https://example.org/leak", "&xxe;") + FaultFeeds.Items(2), prolog: prolog));
        Server.Map("evil.dtd", context => context.Response.WriteAsync($"<!ENTITY xxe2 SYSTEM \"file://{secret}\">"));

        await PollAsync("xxe.xml");

        Assert.DoesNotContain(marker, DatabaseProbe.AllEntryText(Services.DatabasePath));
        Assert.DoesNotContain(Server.Requests, r => r.PathAndQuery.Contains("evil.dtd", StringComparison.Ordinal));
        Assert.Equal(3, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));   // the feed itself is still read
    }

    [Fact]
    public async Task PollAsync_Fault14_BillionLaughs_NoEntityIsExpanded()
    {
        var entities = new StringBuilder("<!DOCTYPE rss [\n  <!ENTITY lol0 \"lol\">\n");
        for (var i = 1; i <= 9; i++)
            entities.Append($"  <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">\n");
        entities.Append("]>\n");
        Serve("laughs.xml", FaultFeeds.Rss(FaultFeeds.Item("Laugh &lol9;", "https://example.org/laugh", "&lol9;") + FaultFeeds.Items(2),
            prolog: entities.ToString()));

        await PollAsync("laughs.xml");

        Assert.DoesNotContain("lollollol", DatabaseProbe.AllEntryText(Services.DatabasePath));
        Assert.Equal(3, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_Fault15_RedirectLoop_StopsAtTheLimitWithAHint()
    {
        Server.MapRedirect("loop.xml", 302, Server.Url("loop.xml").AbsoluteUri);

        var result = await PollAsync("loop.xml");

        AssertClearFailure(result, "loop.xml", "redirect");
        Assert.Contains("check the URL", result.Error);
        Assert.InRange(Server.Requests.Count, 2, 7);   // bounded by Fetching:MaxRedirects (5) + the first request
    }

    [Fact]
    public async Task PollAsync_Fault16_RedirectToFileScheme_IsNotFollowed()
    {
        Server.MapRedirect("to-file.xml", 301, "file:///etc/passwd");

        var result = await PollAsync("to-file.xml");

        AssertClearFailure(result, "to-file.xml", "file:");
        Assert.Equal(0, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FetchAsync_PermanentRedirects_NameTheLastAddressTheyLedToAndTheFirstStatus()
    {
        // FetchOutcome.Moved: a chain that begins with permanent redirects (301, 308) names where they led and the first one's
        // status (a renamed GitHub repo's 301, which the source's warning quotes); one that begins with a 302 names nothing.
        Server.MapRedirect("old.xml", 301, Server.Url("renamed.xml").AbsoluteUri);
        Server.MapRedirect("renamed.xml", 308, Server.Url("feed.xml").AbsoluteUri);
        Server.MapRedirect("temporary.xml", 302, Server.Url("renamed.xml").AbsoluteUri);
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var fetcher = Services.Get<Fetcher>();

        var moved = await fetcher.FetchAsync(new FetchRequest(Server.Url("old.xml"), HttpValidators.None, AllowPrivateNetwork: true), CancellationToken.None);
        var temporary = await fetcher.FetchAsync(new FetchRequest(Server.Url("temporary.xml"), HttpValidators.None, AllowPrivateNetwork: true), CancellationToken.None);

        Assert.IsType<FetchOutcome.Fetched>(moved);
        Assert.Equal(new PermanentRedirect(Server.Url("feed.xml"), 301), moved.Moved);
        Assert.IsType<FetchOutcome.Fetched>(temporary);
        Assert.Null(temporary.Moved);
    }

    [Fact]
    public async Task PollAsync_Fault17_HostNameResolvingToLoopbackWithoutAllowPrivateNetwork_IsRefused()
    {
        Server.MapFile("feed.xml", FaultFeeds.Healthy(2));
        var source = Assert.Single(Services.Sources(
            $$"""{"sources": [{"id": "{{Id}}", "kind": "feed", "url": "http://localhost:{{Server.BaseUri.Port}}/feed.xml"}]}"""));

        var result = await Services.Get<SourcePoller>().PollAsync(source, CancellationToken.None);

        Assert.Contains("set \"allowPrivateNetwork\": true on the source", result.Error);
        Assert.StartsWith($"{Id}: error: http://localhost:{Server.BaseUri.Port}/feed.xml", result.Describe());
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task PollAsync_Fault18_FeedServedWithWrongContentType_IsStillRead()
    {
        Serve("typed.txt", FaultFeeds.Healthy(3), "text/html; charset=utf-8");

        var result = await PollAsync("typed.txt");

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
    }

    private static readonly string ChineseTitle = "端侧大模型推理加速：高通发布新一代NPU";

    private static byte[] Gbk(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("gb18030").GetBytes(text);
    }

    [Theory]
    [InlineData("no charset anywhere", "application/xml", "")]
    [InlineData("header says utf-8", "application/xml; charset=utf-8", "")]
    [InlineData("header says iso-8859-1, declaration gb2312", "text/xml; charset=iso-8859-1", "gb2312")]
    [InlineData("header says utf-8, declaration gbk", "text/xml; charset=utf-8", "gbk")]
    public async Task PollAsync_Fault19_GbkBodyWithMissingOrWrongCharset_DecodesTheChineseTitle(string scenario, string contentType, string declared)
    {
        var xml = FaultFeeds.Rss(FaultFeeds.Item(ChineseTitle, "https://example.org/npu", "高通在端侧部署了量化后的模型。"));
        xml = declared.Length == 0 ? xml.Replace(" encoding=\"utf-8\"", "", StringComparison.Ordinal) : xml.Replace("utf-8", declared, StringComparison.Ordinal);
        Serve("gbk.xml", Gbk(xml), contentType);

        var result = await PollAsync("gbk.xml");

        Assert.True(result.Error is null, $"{scenario}: {result.Error}");
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal(ChineseTitle, entry.Title);
        Assert.Equal("高通在端侧部署了量化后的模型。", entry.Summary);
    }

    [Fact]
    public async Task PollAsync_Fault20_HtmlPageInsteadOfAFeed_FailsAsWrongFormat()
    {
        Serve("page.xml", "<!DOCTYPE html>\n<html><head><title>Login</title></head><body><form>Sign in</form></body></html>", "text/html");

        var result = await PollAsync("page.xml");

        AssertClearFailure(result, "page.xml", "got an HTML page, not a feed (check the URL");
    }

    [Fact]
    public async Task PollAsync_Fault21_EmptyBody_FailsWithAHint()
    {
        Serve("empty.xml", [], "application/xml");

        var result = await PollAsync("empty.xml");

        AssertClearFailure(result, "empty.xml", "empty response body");
        Assert.Contains("check the URL", result.Error);
    }

    [Fact]
    public async Task PollAsync_Fault22_EmptyFeed_SucceedsWithNothingNew()
    {
        Serve("none.xml", FaultFeeds.Rss(""));

        var result = await PollAsync("none.xml");

        Assert.Null(result.Error);
        Assert.Equal(0, result.Seen);
    }

    [Fact]
    public async Task PollAsync_Fault23_DuplicateGuidsAndLinksInOneFeed_StoredOncePerLink()
    {
        Serve("dupes.xml", FaultFeeds.Rss(
            FaultFeeds.Item("First", "https://example.org/a", guid: "same")
            + FaultFeeds.Item("Second", "https://example.org/b", guid: "same")
            + FaultFeeds.Item("First again", "https://example.org/a", guid: "same")
            + FaultFeeds.Item("First, tracked", "https://example.org/a?utm_source=rss", guid: "other")));

        var result = await PollAsync("dupes.xml");

        Assert.Null(result.Error);
        Assert.Equal(2, result.New);
        Assert.Equal(["https://example.org/a", "https://example.org/b"], (await EntriesAsync()).Select(e => e.Url).Order());
    }

    [Fact]
    public async Task PollAsync_Fault24_MissingFutureAndGarbageDates_StoredWithoutAPublishedDate()
    {
        Serve("dates.xml", FaultFeeds.Rss(
            FaultFeeds.Item("No date", "https://example.org/none")
            + FaultFeeds.Item("Garbage date", "https://example.org/garbage", pubDate: "yesterday-ish, around teatime")
            + FaultFeeds.Item("Future date", "https://example.org/future", pubDate: "Fri, 01 Jan 2100 00:00:00 GMT")
            + FaultFeeds.Item("Epoch date", "https://example.org/epoch", pubDate: "Thu, 01 Jan 1970 00:00:00 GMT")
            + FaultFeeds.Item("Good date", "https://example.org/good", pubDate: "Wed, 25 Nov 2020 08:00:00 GMT")));

        var result = await PollAsync("dates.xml");

        Assert.Null(result.Error);
        Assert.Equal(5, result.New);
        var entries = (await EntriesAsync()).ToDictionary(e => e.Title);
        Assert.All(["No date", "Garbage date", "Future date", "Epoch date"], title => Assert.Null(entries[title].Published));
        Assert.Equal(new DateTimeOffset(2020, 11, 25, 8, 0, 0, TimeSpan.Zero), entries["Good date"].Published);
        Assert.All(entries.Values, e => Assert.Equal(Services.Clock.GetUtcNow().Year, e.FirstSeen.Year));
    }

    [Fact]
    public async Task PollAsync_Fault25_TenThousandCharacterTitle_IsTruncated()
    {
        var title = string.Concat(Enumerable.Repeat("quantization ", 800))[..10_000];
        Serve("long.xml", FaultFeeds.Rss(FaultFeeds.Item(title, "https://example.org/long", new string('x', 50_000))));

        var result = await PollAsync("long.xml");

        Assert.Null(result.Error);
        var entry = Assert.Single(await EntriesAsync());
        Assert.InRange(entry.Title.Length, 100, 301);
        Assert.InRange(entry.Summary.Length, 1, 401);
    }

    [Fact]
    public async Task PollAsync_Fault26_ControlCharactersRawAndAsReferences_AreRemoved()
    {
        Serve("control.xml", FaultFeeds.Rss(
            FaultFeeds.Item("Bell\u0007 and\u0001 escape\u001b", "https://example.org/raw", "Null\u0000 byte")
            + FaultFeeds.Item("Reference&#x1; and&#8; more", "https://example.org/ref")
            + FaultFeeds.Items(1)));

        var result = await PollAsync("control.xml");

        Assert.Null(result.Error);
        var entries = (await EntriesAsync()).ToDictionary(e => e.Url);
        Assert.Equal(3, entries.Count);
        Assert.Equal("Bell and escape", entries["https://example.org/raw"].Title);
        Assert.Equal("Reference and more", entries["https://example.org/ref"].Title);
        Assert.All(entries.Values, e => Assert.DoesNotContain(e.Title + e.Summary, char.IsControl));
    }

    [Fact]
    public async Task PollAsync_Fault27_BadItemUrls_SkippedWhileTheRestIsStored()
    {
        Serve("urls.xml", FaultFeeds.Rss(
            FaultFeeds.Item("Script link", "javascript:alert(document.cookie)")
            + FaultFeeds.Item("Data link", "data:text/html,<script>alert(1)</script>")
            + FaultFeeds.Item("Broken host", "http://[::1")
            + FaultFeeds.Item("Garbage", "ht!tp:// not a url")
            + FaultFeeds.Item("File link", "file:///etc/passwd")
            + FaultFeeds.Item("Relative link", "/posts/relative")
            + FaultFeeds.Items(2)));

        var result = await PollAsync("urls.xml");

        Assert.Null(result.Error);
        var urls = (await EntriesAsync()).Select(e => e.Url).ToList();
        Assert.All(urls, url => Assert.Matches("^https?://", url));
        Assert.Contains("https://example.org/posts/relative", urls);
        Assert.Contains("https://example.org/item/1", urls);
        Assert.DoesNotContain(urls, u => u.Contains("javascript", StringComparison.OrdinalIgnoreCase) || u.Contains("passwd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_Fault28_ScriptAndMarkupInSummary_StoredAsOneLineOfPlainText()
    {
        const string Hostile = "<![CDATA[<p>Real <b>news</b>.</p>\n\n## Not a heading\n<script>alert('x')</script><img src=x onerror=alert(1)><style>p{}</style><iframe src=\"https://evil\"></iframe>]]>";
        Serve("markup.xml", FaultFeeds.Rss(FaultFeeds.Item("<![CDATA[<b>Bold</b> title<script>alert(2)</script>]]>", "https://example.org/m", Hostile)));

        var result = await PollAsync("markup.xml");

        Assert.Null(result.Error);
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal("Bold title", entry.Title);
        Assert.Equal("Real news. ## Not a heading", entry.Summary);   // as a browser shows it: </b> adds no space
        Assert.DoesNotContain('<', entry.Summary + entry.Title);
        Assert.DoesNotContain('\n', entry.Summary);
    }

    [Fact]
    public async Task PollAsync_Fault29_NotModifiedByLastModified_SendsIfModifiedSinceAndStoresNothingNew()
    {
        const string LastModified = "Wed, 25 Nov 2020 08:00:00 GMT";
        var feed = FaultFeeds.Healthy(3);
        Server.Map("dated.xml", async context =>
        {
            if (context.Request.Headers.IfModifiedSince.ToString() == LastModified)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.Headers.LastModified = LastModified;
            await context.Response.Body.WriteAsync(feed);
        });

        var first = await PollAsync("dated.xml");
        var second = await PollAsync("dated.xml");

        Assert.Equal(3, first.New);
        Assert.True(second.NotModified);
        Assert.Null(second.Error);
        Assert.Equal(LastModified, Server.Requests.Last().IfModifiedSince);
        Assert.Equal(3, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_Fault30_BareAmpersandsAndHtmlEntities_RecoveredLeniently()
    {
        Serve("amp.xml", FaultFeeds.Rss(
            FaultFeeds.Item("AT&T ships an NPU&nbsp;board &mdash; cheap", "https://example.org/att", "Q&A: 5 < 6 &hellip;")
            + FaultFeeds.Items(2)));

        var result = await PollAsync("amp.xml");

        Assert.Null(result.Error);
        var titles = (await EntriesAsync()).Select(e => e.Title).ToList();
        Assert.Equal(3, titles.Count);
        Assert.Contains("AT&T ships an NPU board — cheap", titles);
    }

    [Fact]
    public async Task PollAsync_Fault31_DocumentCutMidItem_KeepsTheCompleteItems()
    {
        var full = FaultFeeds.Rss(FaultFeeds.Items(5));
        var cut = full[..full.IndexOf("<item><title>item 3", StringComparison.Ordinal)] + "<item><title>item 3</title><link>https://exa";
        Serve("half.xml", cut);

        var result = await PollAsync("half.xml");

        Assert.Null(result.Error);
        Assert.Equal(3, result.New);
    }

    [Fact]
    public async Task PollAsync_Fault31_DocumentCutMidItem_WarnsTheOperatorItWasOnlyPartlyRead()
    {
        var logs = new CapturingLoggerProvider();
        using var services = new TestServices(configure: s => s.AddSingleton<ILoggerProvider>(logs));
        var full = FaultFeeds.Rss(FaultFeeds.Items(5));
        Serve("half.xml", full[..full.IndexOf("<item><title>item 3", StringComparison.Ordinal)] + "<item><title>item 3</title><link>https://exa");
        Serve("whole.xml", full);
        var poller = services.Get<SourcePoller>();

        var cut = await poller.PollAsync(Source("half.xml", services: services), CancellationToken.None);
        await poller.PollAsync(Source("whole.xml", services: services), CancellationToken.None);

        Assert.Null(cut.Error);
        var warning = Assert.Single(logs.Lines, l => l.EventId == 2007).Message;   // none for the well-formed feed
        Assert.Contains("half.xml is broken and was only partly read", warning);
        Assert.Contains("recovered 3 complete item(s)", warning);
    }

    [Fact]
    public async Task PollAsync_Fault32_NotFound_FailsWithAHint()
    {
        var result = await PollAsync("missing.xml");

        AssertClearFailure(result, "missing.xml", "HTTP 404");
        Assert.Contains("check the URL", result.Error);
    }

    [Fact]
    public async Task PollAsync_Fault33_FileSchemeUrl_RefusedBeforeAnyRequest()
    {
        var outcome = await Services.Get<Fetcher>().FetchAsync(
            new FetchRequest(new Uri("file:///etc/passwd"), HttpValidators.None, AllowPrivateNetwork: true), CancellationToken.None);
        var ftp = await Services.Get<Fetcher>().FetchAsync(
            new FetchRequest(new Uri("ftp://127.0.0.1/feed.xml"), HttpValidators.None, AllowPrivateNetwork: true), CancellationToken.None);

        Assert.IsType<FetchOutcome.Refused>(outcome);
        Assert.IsType<FetchOutcome.Refused>(ftp);
        Assert.Contains("only http and https", outcome.Describe());
        var (_, problems) = Services.Get<SourceCatalog>().Parse(
            """{"sources": [{"id": "local", "kind": "feed", "url": "file:///etc/passwd"}]}""", "sources.json", new EmbeddedAiReport.Drafting.DraftOptions().SectionSlugs(), _ => null);
        Assert.Contains(problems, p => p.Contains("url", StringComparison.Ordinal) && p.Contains("local", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("application/octet-stream")]
    public async Task PollAsync_Fault34_GzipBodyWithoutContentEncoding_IsDecoded(string contentType)
    {
        // A feed.xml.gz served as is: the body is gzip, but no Content-Encoding says so, so the HTTP handler leaves it.
        Serve("packed.xml", Compress(FaultFeeds.Healthy(4), stream => new GZipStream(stream, CompressionLevel.Fastest)), contentType);

        var result = await PollAsync("packed.xml");

        Assert.Null(result.Error);
        Assert.Equal(4, result.New);
    }

    [Fact]
    public async Task PollAsync_Fault35_GzipBombWithoutContentEncoding_StopsAtTheDecompressedCap()
    {
        var bomb = Compress(new byte[32 * 1024 * 1024], body => new GZipStream(body, CompressionLevel.SmallestSize));
        Assert.True(bomb.Length < 1024 * 1024);   // within the cap on the wire: only the decompressed count can catch it
        Serve("bomb.xml", bomb, "application/octet-stream");

        var result = await PollAsync("bomb.xml", """, "maxBytes": 1048576 """);

        AssertClearFailure(result, "bomb.xml", "byte cap");
    }

    // maxBytes is the largest body read ("body cap"): a body of exactly that many bytes is a feed, one byte more is refused.
    [Fact]
    public async Task PollAsync_Fault36_BodyOfExactlyMaxBytes_IsReadAndOneByteOverIsRefused()
    {
        var feed = FaultFeeds.Healthy(4);
        Serve("exact.xml", feed, "application/rss+xml");
        Serve("over.xml", [.. feed, (byte)'\n'], "application/rss+xml");

        var exact = await PollAsync("exact.xml", $$""", "maxBytes": {{feed.Length}} """);
        var over = await PollAsync("over.xml", $$""", "maxBytes": {{feed.Length}} """);

        Assert.Null(exact.Error);
        Assert.Equal(4, exact.New);
        AssertClearFailure(over, "over.xml", $"{feed.Length} byte cap");
    }

    private static byte[] Compress(byte[] data, Func<Stream, Stream> wrap)
    {
        using var output = new MemoryStream();
        using (var stream = wrap(output)) stream.Write(data);
        return output.ToArray();
    }
}
