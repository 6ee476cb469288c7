using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Fetching;

/// <summary>
/// <see cref="FetchRequest.PooledBody"/>: a source's body lies in a rented buffer until its lease is disposed. A buffer given
/// back too early would be rented again by the next fetch of the same size and overwritten under a parser still reading it.
/// </summary>
public sealed class PooledBodyTests() : LoopbackTest(new TestServices())
{
    // Bodies of one length (the same size class of the pool), each of its own text.
    private static byte[] Feed(int n) => FaultFeeds.Healthy(20, $"feed{n}");

    // The paths 0..count-1 fetched one after another with pooled bodies, none of their leases disposed.
    private async Task<List<FetchOutcome.Fetched>> FetchAllAsync(int count, string pathFormat)
    {
        var fetcher = Services.Get<Fetcher>();
        var fetched = new List<FetchOutcome.Fetched>();
        for (var n = 0; n < count; n++)
            fetched.Add(Assert.IsType<FetchOutcome.Fetched>(await fetcher.FetchAsync(
                new FetchRequest(Server.Url(string.Format(pathFormat, n)), HttpValidators.None, AllowPrivateNetwork: true, PooledBody: true), CancellationToken.None)));
        return fetched;
    }

    [Fact]
    public async Task FetchAsync_PooledBodies_EachStaysItsOwnUntilItsLeaseIsDisposed()
    {
        var feeds = Enumerable.Range(0, 8).Select(Feed).ToList();
        for (var n = 0; n < feeds.Count; n++) Server.MapFile($"feed{n}.xml", feeds[n]);

        // All eight held at once, as parallel polls hold theirs, each fetched after the ones before it were read.
        var fetched = await FetchAllAsync(feeds.Count, "feed{0}.xml");

        for (var n = 0; n < feeds.Count; n++)
        {
            Assert.NotNull(fetched[n].Lease);
            Assert.Equal(Encoding.UTF8.GetString(feeds[n]), Encoding.UTF8.GetString(fetched[n].Document.Body.Span));
        }
        foreach (var outcome in fetched) outcome.Lease!.Dispose();
    }

    [Fact]
    public async Task FetchAsync_PooledGzipFileWithoutContentEncoding_IsTheInflatedBodyHeldByItsLease()
    {
        // A feed.xml.gz served as it is: the compressed bytes' buffer is given back, the inflated body's kept.
        var feeds = Enumerable.Range(0, 4).Select(Feed).ToList();
        for (var n = 0; n < feeds.Count; n++)
        {
            using var packed = new MemoryStream();
            using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(feeds[n]);
            Server.MapFile($"feed{n}.xml.gz", packed.ToArray(), "application/octet-stream");
        }

        var fetched = await FetchAllAsync(feeds.Count, "feed{0}.xml.gz");

        for (var n = 0; n < feeds.Count; n++)
            Assert.Equal(Encoding.UTF8.GetString(feeds[n]), Encoding.UTF8.GetString(fetched[n].Document.Body.Span));
        foreach (var outcome in fetched) outcome.Lease!.Dispose();
    }

    // A body that only begins like gzip (0x1F 0x8B, then no gzip) is handed on as it was read: its buffer is the document's,
    // not the compressed bytes' to give back, and stays its own until its lease is disposed (mutation audit 22: no test had
    // such a body pooled).
    [Fact]
    public async Task FetchAsync_PooledBodyThatOnlyBeginsLikeGzip_StaysItsOwnUntilItsLeaseIsDisposed()
    {
        var bodies = Enumerable.Range(0, 4).Select(n => (byte[])[0x1F, 0x8B, .. Feed(n)]).ToList();
        for (var n = 0; n < bodies.Count; n++) Server.MapFile($"odd{n}.xml", bodies[n], "application/octet-stream");

        var fetched = await FetchAllAsync(bodies.Count, "odd{0}.xml");

        for (var n = 0; n < bodies.Count; n++)
        {
            Assert.NotNull(fetched[n].Lease);
            Assert.Equal(bodies[n], fetched[n].Document.Body.ToArray());
        }
        foreach (var outcome in fetched) outcome.Lease!.Dispose();
    }

    // Disposed twice (a caller's using and a cleanup of its own), a lease gives its buffer back once: given back twice, the
    // pool would hand the one array to two later fetches, each writing its body over the other's.
    [Fact]
    public async Task Lease_DisposedTwice_GivesItsBufferBackOnce()
    {
        Server.MapFile("feed0.xml", Feed(0));
        var fetched = Assert.Single(await FetchAllAsync(1, "feed{0}.xml"));
        Assert.True(MemoryMarshal.TryGetArray(fetched.Document.Body, out var body));
        var size = body.Array!.Length;

        // No await from here: the pool's per-thread slot is this thread's throughout.
        fetched.Lease!.Dispose();
        fetched.Lease.Dispose();
        var rented = Enumerable.Range(0, 4).Select(_ => ArrayPool<byte>.Shared.Rent(size)).ToList();
        foreach (var array in rented.Distinct(ReferenceEqualityComparer.Instance)) ArrayPool<byte>.Shared.Return((byte[])array!);

        Assert.Equal(4, rented.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public async Task PollMany_SeveralFeedsParsedAtOnce_EachEntrysTextIsItsOwnFeeds()
    {
        const int count = 8;
        for (var n = 0; n < count; n++) Server.MapFile($"feed{n}.xml", Feed(n));
        var sources = Services.Sources("{\"sources\": [" + string.Join(",", Enumerable.Range(0, count).Select(n =>
            $$"""{"id": "s{{n}}", "kind": "feed", "url": "{{Server.Url($"feed{n}.xml")}}", "allowPrivateNetwork": true}""")) + "]}");

        var results = await Services.Get<SourcePoller>().PollManyAsync(sources, 4, CancellationToken.None);

        Assert.All(results, r => Assert.Null(r.Error));
        var entries = await Services.Get<EntryStore>().ListWindowAsync(DateTimeOffset.UnixEpoch, new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        Assert.Equal(count * 20, entries.Count);
        // FaultFeeds.Items: the item "feedN i" links to https://example.org/feedN/i and says "Summary of feedN i."
        foreach (var entry in entries)
        {
            var feed = $"feed{entry.SourceId[1..]}";
            Assert.StartsWith($"{feed} ", entry.Title);
            var i = entry.Title[(feed.Length + 1)..];
            Assert.Equal($"https://example.org/{feed}/{i}", entry.Url);
            Assert.Equal($"Summary of {feed} {i}.", entry.Summary);
        }
    }

    [Fact]
    public async Task PollMany_EachPooledBodyIsGivenBackOnceItIsParsed()
    {
        // Plain feeds, a .gz file (its compressed bytes' buffer given back as well) and a body that is no feed at all.
        for (var n = 0; n < 4; n++) Server.MapFile($"feed{n}.xml", Feed(n));
        using (var packed = new MemoryStream())
        {
            using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Feed(4));
            Server.MapFile("feed4.xml", packed.ToArray(), "application/octet-stream");
        }
        Server.MapFile("feed5.xml", "no feed here"u8.ToArray(), "text/plain");
        var sources = Services.Sources("{\"sources\": [" + string.Join(",", Enumerable.Range(0, 6).Select(n =>
            $$"""{"id": "s{{n}}", "kind": "feed", "url": "{{Server.Url($"feed{n}.xml")}}", "allowPrivateNetwork": true}""")) + "]}");
        var pool = new CountingPool();
        Services.Get<Fetcher>().BodyPool = pool;

        var results = await Services.Get<SourcePoller>().PollManyAsync(sources, 3, CancellationToken.None);

        Assert.Equal(5, results.Count(r => r.Error is null));   // all but the text were read: each of them was parsed
        Assert.True(pool.Rented >= 7, $"only {pool.Rented} buffers rented: the bodies were not read into the test's pool");
        Assert.Empty(pool.ReturnedTwice);
        Assert.Equal(0, pool.Outstanding);
    }

    // A body past the first buffer and sent without a Content-Length (chunked) grows by doubling: each smaller buffer is given
    // back as it is outgrown, the last one by the lease, and none twice (mutation audit 23: the counting test's bodies all fit
    // the first buffer, so a grow that gave back the buffer it goes on reading into was not seen).
    [Fact]
    public async Task FetchAsync_BodyThatOutgrowsItsBuffer_GivesEachBufferBackOnce()
    {
        var body = Enumerable.Range(0, 300_000).Select(i => (byte)('a' + i % 26)).ToArray();
        Server.Map("big.xml", async context =>
        {
            // Flushed in parts: chunked, no Content-Length to size the first buffer by.
            context.Response.ContentType = "application/xml";
            for (var at = 0; at < body.Length; at += 50_000)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(at, Math.Min(50_000, body.Length - at)));
                await context.Response.Body.FlushAsync();
            }
        });
        var pool = new CountingPool();
        Services.Get<Fetcher>().BodyPool = pool;

        var fetched = Assert.Single(await FetchAllAsync(1, "big.xml"));
        Assert.Equal(body, fetched.Document.Body.ToArray());
        fetched.Lease!.Dispose();

        Assert.True(pool.Rented >= 3, $"only {pool.Rented} buffers rented: the body did not outgrow its first");
        Assert.Empty(pool.ReturnedTwice);
        Assert.Equal(0, pool.Outstanding);
    }

    // A body past the request's cap is refused (TooLarge) and the buffer it was read into given back, as a kept one is by its
    // lease (mutation audit 23: no test refused a pooled body).
    [Fact]
    public async Task FetchAsync_PooledBodyPastItsCap_IsRefusedAndItsBufferGivenBack()
    {
        Server.MapFile("feed0.xml", Feed(0));
        var pool = new CountingPool();
        Services.Get<Fetcher>().BodyPool = pool;

        var outcome = await Services.Get<Fetcher>().FetchAsync(new FetchRequest(Server.Url("feed0.xml"), HttpValidators.None, MaxBytes: 100,
            AllowPrivateNetwork: true, PooledBody: true), CancellationToken.None);

        Assert.IsType<FetchOutcome.TooLarge>(outcome);
        Assert.True(pool.Rented >= 1, "no buffer rented: the body was not read into the test's pool");
        Assert.Empty(pool.ReturnedTwice);
        Assert.Equal(0, pool.Outstanding);
    }

    // Hands out fresh arrays and counts them back: one not given back stays outstanding; one given back twice (a second
    // owner would later overwrite a body the first still reads) is listed.
    private sealed class CountingPool : ArrayPool<byte>
    {
        private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);
        private readonly Lock _gate = new();

        public int Rented { get; private set; }
        public List<int> ReturnedTwice { get; } = [];

        public int Outstanding
        {
            get { lock (_gate) return _out.Count; }
        }

        public override byte[] Rent(int minimumLength)
        {
            var array = new byte[minimumLength];
            lock (_gate)
            {
                _out.Add(array);
                Rented++;
            }
            return array;
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            lock (_gate)
                if (!_out.Remove(array)) ReturnedTwice.Add(array.Length);
        }
    }
}
