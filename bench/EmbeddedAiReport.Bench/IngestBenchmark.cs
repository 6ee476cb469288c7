using EmbeddedAiReport.Ingest;
using System.Diagnostics;

namespace EmbeddedAiReport.Bench;

/// <summary>Ingest throughput: the raw limit (XmlReader + prepared INSERTs) against the product's pipeline on the same feeds.</summary>
/// <remarks>
/// Modes: <c>raw</c> (<see cref="RawIngest"/>), <c>staged</c> (the poller's components called directly, each stage timed),
/// <c>poller</c> (<see cref="Sources.SourcePoller.PollManyAsync"/> against a loopback HTTP server). Every run starts from a
/// fresh database; after a small warm-up (JIT), each mode runs <c>--runs</c> times interleaved and the best run counts,
/// since the machine is shared and noise only ever slows a run down. Peak working set is per process: use
/// <c>--only MODE</c> for one mode's peak.
/// </remarks>
internal static class IngestBenchmark
{
    private sealed record Measure(string Mode, int Entries, TimeSpan Elapsed, long Allocated, ProductIngest.Stages? Stages = null)
    {
        public double PerSecond => Entries / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var total = 20_000;
        var feedCount = 20;
        var runs = 3;
        var parallel = 4;
        var only = "all";
        string? directory = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--feeds": feedCount = int.Parse(args[++i]); break;
                case "--runs": runs = int.Parse(args[++i]); break;
                case "--parallel": parallel = int.Parse(args[++i]); break;
                case "--only": only = args[++i]; break;
                case "--dir": directory = args[++i]; break;
                default: total = int.Parse(args[i]); break;
            }
        }
        string[] modes = only == "all" ? ["raw", "staged", "poller"] : [only];
        var config = FindConfig();
        var newest = TimeProvider.System.GetUtcNow();

        var clock = Stopwatch.StartNew();
        var feeds = directory is null
            ? IngestFeeds.Generate(IngestFeeds.Split(total, feedCount), newest)
            : Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        if (directory is not null) (total, feedCount) = (-1, feeds.Length);
        Console.WriteLine($"ingest: {total} entries in {feedCount} RSS feeds, {feeds.Sum(f => (long)f.Length) / 1048576.0:F1} MB, generated in {clock.ElapsedMilliseconds} ms; " +
            $"config {config}; best of {runs} run(s); poller parallelism {parallel}");

        var warmup = IngestFeeds.Generate(IngestFeeds.Split(400, 2), newest, seed: 7);
        foreach (var mode in modes) await RunOnceAsync(mode, warmup, config, parallel);

        var best = new Dictionary<string, Measure>();
        for (var r = 0; r < runs; r++)
        {
            foreach (var mode in modes)
            {
                var measure = await RunOnceAsync(mode, feeds, config, parallel);
                Console.WriteLine($"  run {r + 1} {mode,-7} {measure.Entries,7} entries {measure.Elapsed.TotalMilliseconds,8:F0} ms {measure.PerSecond,8:F0} entries/s");
                if (!best.TryGetValue(mode, out var previous) || measure.Elapsed < previous.Elapsed) best[mode] = measure;
            }
        }

        Console.WriteLine();
        Console.WriteLine("mode       entries   elapsed_ms   entries/s   vs_raw   alloc_MB   alloc_KB/entry");
        foreach (var mode in modes)
        {
            var m = best[mode];
            var ratio = best.TryGetValue("raw", out var raw) ? $"{m.PerSecond / raw.PerSecond * 100,6:F1}%" : "     -";
            Console.WriteLine($"{mode,-8} {m.Entries,9} {m.Elapsed.TotalMilliseconds,12:F0} {m.PerSecond,11:F0} {ratio,8} {m.Allocated / 1048576.0,10:F1} {m.Allocated / 1024.0 / m.Entries,16:F1}");
        }
        if (best.TryGetValue("staged", out var staged) && staged.Stages is { } s)
        {
            Console.WriteLine();
            Console.WriteLine("staged breakdown (ms, share of the staged total, allocated per entry):");
            var stages = new[] { ("parse", s.Parse), ("normalize", s.Normalize), ("classify", s.Classify), ("fingerprint", s.Fingerprint), ("write", s.Write) };
            for (var i = 0; i < stages.Length; i++)
            {
                var (name, time) = stages[i];
                var allocated = s.Allocated is { } a ? $"{a[i] / 1024.0 / staged.Entries,7:F1} KB/entry" : "";
                Console.WriteLine($"  {name,-10} {time.TotalMilliseconds,8:F0}  {time / s.Total * 100,5:F1}%  {time.TotalMicroseconds / staged.Entries,7:F1} us/entry  {allocated}");
            }
        }
        if (best.TryGetValue("raw", out var rawBest) && rawBest.Stages is { } rs)
            Console.WriteLine($"raw breakdown: parse {rs.Parse.TotalMilliseconds:F0} ms, store {rs.Write.TotalMilliseconds:F0} ms");
        if (modes.Any(m => m != "raw")) Console.WriteLine($"stories after the last product run: {LastStories} ({total} entries)");
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set (whole process, {string.Join('+', modes)}): {process.PeakWorkingSet64 / 1048576} MB");
        return 0;
    }

    private static async Task<Measure> RunOnceAsync(string mode, byte[][] feeds, string config, int parallel)
    {
        using var directory = new BenchDirectory();
        var database = Path.Combine(directory.Path, "report.db");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        switch (mode)
        {
            case "raw":
            {
                var started = Stopwatch.GetTimestamp();
                var (rows, parse, store) = RawIngest.Run(feeds, database);
                var elapsed = Stopwatch.GetElapsedTime(started);
                return new Measure(mode, rows, elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated,
                    new ProductIngest.Stages(rows, parse, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, store));
            }
            case "staged":
            {
                await using var product = ProductIngest.Create(database, config);
                var started = Stopwatch.GetTimestamp();
                var stages = await product.RunStagedAsync(feeds, CancellationToken.None);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var measure = new Measure(mode, stages.Stored, elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated, stages);
                await CheckStoriesAsync(product, stages.Stored);
                return measure;
            }
            case "poller":
            {
                await using var product = ProductIngest.Create(database, config);
                var started = Stopwatch.GetTimestamp();
                var stored = await product.RunPollerAsync(feeds, parallel, CancellationToken.None);
                var elapsed = Stopwatch.GetElapsedTime(started);
                var measure = new Measure(mode, stored, elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated);
                await CheckStoriesAsync(product, stored);
                return measure;
            }
            default:
                throw new ArgumentException($"unknown mode '{mode}' (raw, staged, poller, all)");
        }
    }

    // Every stored entry must have been put in a story, or the dedup stage did not really run.
    private static async Task CheckStoriesAsync(ProductIngest product, int stored)
    {
        var (inStories, stories) = await product.StoryCountsAsync(CancellationToken.None);
        if (inStories != stored) throw new InvalidOperationException($"{stored} entries stored but {inStories} in stories");
        LastStories = stories;
    }

    /// <summary>Stories of the last product run (a sanity figure: retold items must merge).</summary>
    public static long LastStories { get; private set; }

    internal static string FindConfig()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "config", "tags.json"))) return Path.Combine(directory.FullName, "config");
        throw new InvalidOperationException("config/tags.json not found above " + AppContext.BaseDirectory);
    }

    private sealed class BenchDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("eair-bench-").FullName;

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
