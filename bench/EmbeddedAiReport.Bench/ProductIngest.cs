using System.Diagnostics;
using System.Text;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tagging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Bench;

/// <summary>The product's ingest path over the same feeds: the real services, the shipped tags.json and router.json, a fresh database.</summary>
/// <remarks>
/// Two ways: <see cref="RunStagedAsync"/> calls the components <see cref="SourcePoller"/> calls, in its order, and times
/// each stage; <see cref="RunPollerAsync"/> serves the feeds from an in-process loopback HTTP server and polls them through
/// <see cref="SourcePoller.PollManyAsync"/> (fetch included, bounded parallelism), end to end.
/// </remarks>
internal sealed class ProductIngest : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private ProductIngest(ServiceProvider provider) => _provider = provider;

    /// <summary>Per-stage time of one staged run.</summary>
    /// <param name="Fingerprint">MinHash over each entry's whole text (the poller does it before the write).</param>
    /// <param name="Write">The writer: entries, tags, links, fetch row and health, and story placement, in one transaction per feed.</param>
    /// <param name="Allocated">Bytes allocated per stage, in the order parse, normalize, classify, fingerprint, write (empty when not measured).</param>
    public sealed record Stages(int Stored, TimeSpan Parse, TimeSpan Normalize, TimeSpan Classify, TimeSpan Fingerprint, TimeSpan Write, long[]? Allocated = null)
    {
        public TimeSpan Total => Parse + Normalize + Classify + Fingerprint + Write;
    }

    /// <summary>The core services on <paramref name="databasePath"/> with the tagging model from <paramref name="configDirectory"/>.</summary>
    public static ProductIngest Create(string databasePath, string configDirectory)
    {
        var (taxonomy, problems) = Taxonomy.Parse(File.ReadAllText(Path.Combine(configDirectory, "tags.json"), Encoding.UTF8), "tags.json");
        if (taxonomy is null || problems.Count > 0) throw new InvalidOperationException(string.Join("; ", problems));
        var (router, problem) = SectionRouter.Parse(File.ReadAllText(Path.Combine(configDirectory, "router.json"), Encoding.UTF8), "router.json");
        if (router is null) throw new InvalidOperationException(problem);

        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(TimeProvider.System);
        // Loopback has no politeness gap to keep, and a bench must not retry.
        services.AddSingleton(Options.Create(new FetchingOptions { HostDelays = [], Retries = 0, CircuitBreakerFailures = 1_000_000 }));
        services.AddSingleton(Options.Create(new DraftOptions()));
        services.AddSingleton(new TaggingModel(taxonomy, router));
        services.AddEmbeddedAiReport(databasePath);
        return new ProductIngest(services.BuildServiceProvider());
    }

    /// <summary>One <c>feed</c> source per entry of <paramref name="urls"/>.</summary>
    public IReadOnlyList<SourceDefinition> Sources(IReadOnlyList<Uri> urls)
    {
        var json = new StringBuilder("{\"sources\": [");
        for (var i = 0; i < urls.Count; i++)
            json.Append(i == 0 ? "" : ",").Append($$"""{"id": "bench-{{i:D3}}", "kind": "feed", "url": "{{urls[i]}}", "allowPrivateNetwork": true}""");
        json.Append("]}");
        var (sources, problems) = _provider.GetRequiredService<SourceCatalog>().Parse(json.ToString(), "sources.json", new DraftOptions().SectionSlugs(), _ => null);
        if (problems.Count > 0) throw new InvalidOperationException(string.Join("; ", problems));
        return sources;
    }

    /// <summary>Parse → normalize → classify → fingerprint → write (one transaction per feed, stories included), feed by feed, each stage timed.</summary>
    public async Task<Stages> RunStagedAsync(byte[][] feeds, CancellationToken cancellationToken)
    {
        var kind = _provider.GetRequiredService<SourceCatalog>().Kinds[FeedSource.KindName];
        var classifier = _provider.GetRequiredService<EntryClassifier>();
        var writer = _provider.GetRequiredService<IngestWriter>();
        var timeProvider = _provider.GetRequiredService<TimeProvider>();
        var sources = Sources(feeds.Select((_, i) => new Uri($"http://127.0.0.1/feed/{i}.xml")).ToList());
        TimeSpan parse = default, normalize = default, classify = default, fingerprinting = default, writing = default;
        var allocated = new long[5];
        var stored = 0;
        for (var f = 0; f < feeds.Length; f++)
        {
            var source = sources[f];
            var request = kind.Requests(source)[0];
            var document = new FetchedDocument(feeds[f], "application/rss+xml", "utf-8", request.Uri, timeProvider.GetUtcNow());

            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            var parsed = FeedDocumentParser.Parse(document);
            var feed = parsed.Feed ?? throw new InvalidOperationException(parsed.Error);
            parse += Stopwatch.GetElapsedTime(started);
            allocated[0] += GC.GetTotalAllocatedBytes(precise: true) - bytes;

            bytes = GC.GetTotalAllocatedBytes(precise: true);
            started = Stopwatch.GetTimestamp();
            var now = document.Received;
            var baseUri = FeedSource.BaseUri(feed, document);
            var entries = new List<CandidateEntry>(feed.Items.Count);
            foreach (var item in feed.Items)
                if (FeedSource.Map(item, feed, source, request, baseUri, now) is { } entry) entries.Add(entry);
            normalize += Stopwatch.GetElapsedTime(started);
            allocated[1] += GC.GetTotalAllocatedBytes(precise: true) - bytes;

            bytes = GC.GetTotalAllocatedBytes(precise: true);
            started = Stopwatch.GetTimestamp();
            var writes = entries.DistinctBy(e => e.CanonicalKey).Select(e => classifier.Classify(e, source, kind.DefaultSection)).ToList();
            classify += Stopwatch.GetElapsedTime(started);
            allocated[2] += GC.GetTotalAllocatedBytes(precise: true) - bytes;

            bytes = GC.GetTotalAllocatedBytes(precise: true);
            started = Stopwatch.GetTimestamp();
            var prepared = writes.Select(writer.Prepare).ToList();
            fingerprinting += Stopwatch.GetElapsedTime(started);
            allocated[3] += GC.GetTotalAllocatedBytes(precise: true) - bytes;

            bytes = GC.GetTotalAllocatedBytes(precise: true);
            started = Stopwatch.GetTimestamp();
            var record = new FetchRecord(source.Id, source.Kind, now, TimeSpan.Zero, 200, feeds[f].Length, writes.Count, null,
                new Dictionary<string, HttpValidators>());
            var counts = await writer.CommitAsync(record, writes, prepared, cancellationToken);
            stored += counts.New;
            writing += Stopwatch.GetElapsedTime(started);
            allocated[4] += GC.GetTotalAllocatedBytes(precise: true) - bytes;
        }
        return new Stages(stored, parse, normalize, classify, fingerprinting, writing, allocated);
    }

    /// <summary>Serves the feeds on 127.0.0.1 and polls them all through <see cref="SourcePoller.PollManyAsync"/>; returns the entries stored.</summary>
    public async Task<int> RunPollerAsync(byte[][] feeds, int maxParallel, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.Run(async context =>
        {
            var name = Path.GetFileNameWithoutExtension(context.Request.Path.Value);
            if (!int.TryParse(name, out var index) || index < 0 || index >= feeds.Length)
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            context.Response.ContentLength = feeds[index].Length;
            await context.Response.Body.WriteAsync(feeds[index], context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var sources = Sources(feeds.Select((_, i) => new Uri(address, $"/feed/{i}.xml")).ToList());

        var results = await _provider.GetRequiredService<SourcePoller>().PollManyAsync(sources, maxParallel, cancellationToken);
        await app.StopAsync(cancellationToken);
        if (results.FirstOrDefault(r => r.Failed) is { } failed) throw new InvalidOperationException($"{failed.SourceId}: {failed.Error}");
        return results.Sum(r => r.New);
    }

    /// <summary>How many entries ended up in a story, and how many stories they form.</summary>
    public async Task<(long Entries, long Stories)> StoryCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _provider.GetRequiredService<ReportDatabase>().OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(story_id), count(DISTINCT story_id) FROM entries";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
