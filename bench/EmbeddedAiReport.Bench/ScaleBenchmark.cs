using EmbeddedAiReport.Ingest;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace EmbeddedAiReport.Bench;

/// <summary>Builds a database of N stored entries through the product's own ingest path, for the scale figures (bench/scale.py).</summary>
/// <remarks>
/// Entries are <see cref="IngestFeeds"/> posts (WeChat-style, retellings and paper/repo mentions included) dated 3 minutes
/// apart going back from <c>--newest</c> (1 M entries: 5.7 years, 3,360 a week), parsed, classified, fingerprinted and
/// written by <see cref="IngestWriter"/> exactly as polls write them: stories, tags, links and signatures included.
/// Chunks of 1,000 entries (20 feeds of 50) run two at a time. The WAL is checkpointed at the end, so the file size is the
/// database's size.
/// </remarks>
internal static class ScaleBenchmark
{
    private const int FeedsPerChunk = 20;
    private const int EntriesPerFeed = 50;

    public static async Task<int> BuildAsync(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || !int.TryParse(args[0], out var total))
        {
            Console.Error.WriteLine("usage: scale-db N DB [--newest 2024-06-01T08:00:00Z]");
            return 2;
        }
        var path = Path.GetFullPath(args[1]);
        var newest = args.Count > 3 && args[2] == "--newest" ? DateTimeOffset.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : TimeProvider.System.GetUtcNow();
        if (File.Exists(path)) throw new InvalidOperationException($"{path} exists; scale-db builds a new database");

        var clock = Stopwatch.StartNew();
        await using var product = ProductIngest.Create(path, IngestBenchmark.FindConfig());
        var chunkSize = FeedsPerChunk * EntriesPerFeed;
        var chunks = (total + chunkSize - 1) / chunkSize;
        var stored = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (chunk, token) =>
        {
            var count = Math.Min(chunkSize, total - chunk * chunkSize);
            var feeds = IngestFeeds.Generate(IngestFeeds.Split(count, FeedsPerChunk), newest, seed: 1000 + chunk, firstSerial: chunk * chunkSize);
            var stages = await product.RunStagedAsync(feeds, token);
            var sum = Interlocked.Add(ref stored, stages.Stored);
            if (sum / 50_000 != (sum - stages.Stored) / 50_000)
                Console.WriteLine($"  {sum,9} entries stored, {clock.Elapsed.TotalSeconds,6:F0} s, {sum / clock.Elapsed.TotalSeconds:F0} entries/s");
        });

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await command.ExecuteNonQueryAsync();
        }
        var (entries, stories) = await product.StoryCountsAsync(CancellationToken.None);
        Console.WriteLine($"scale-db: {stored} entries stored ({entries} in {stories} stories) in {clock.Elapsed.TotalSeconds:F0} s; " +
            $"{new FileInfo(path).Length / 1048576.0:F0} MB, {new FileInfo(path).Length / Math.Max(1, stored)} bytes per entry");
        return 0;
    }
}
