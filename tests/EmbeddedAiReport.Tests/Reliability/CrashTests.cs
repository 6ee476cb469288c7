using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Tests.Support;
using Xunit.Abstractions;

namespace EmbeddedAiReport.Tests.Reliability;

/// <summary>
/// Kills the real worker (a child process running <c>poll --all</c>) at random points of a poll, many times over one
/// database, and checks after each kill that nothing a committed fetch stored was lost or stored twice and that every row
/// a poll writes together (fetch, entries, health, signatures, stories) is there with the others (<see cref="Invariants"/>).
/// </summary>
/// <remarks>
/// Kills default to 10; set EAIR_CRASH_KILLS to run more (20+). The seeded random only chooses when to kill (after how many
/// requests, plus a short delay); no assertion depends on timing. Each run serves every feed with more items than the
/// last, so every restarted poll has new work to commit.
/// </remarks>
public sealed class CrashTests(ITestOutputHelper output) : LoopbackTest
{
    private const int SourceCount = 16;
    private const int BaseItems = 80;
    private const int ItemsPerRun = 10;

    private static readonly string[] Words =
    [
        "quantization", "pruning", "distillation", "NPU", "kernel", "compiler", "latency", "throughput", "int8", "int4", "sparsity",
        "edge", "mobile", "inference", "runtime", "accelerator", "benchmark", "transformer", "vision", "speech", "memory", "cache",
        "scheduler", "operator", "fusion", "graph", "tensor", "layout", "vector", "matrix", "SoC", "DSP", "GPU", "FPGA", "RISC-V",
        "firmware", "battery", "thermal", "camera", "sensor", "robot", "drone", "watch", "phone", "car", "lidar", "radar", "audio",
    ];

    private int _generation;
    private int _requests;
    private TaskCompletionSource _enoughRequests = new();
    private int _killAfterRequests = int.MaxValue;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        for (var s = 0; s < SourceCount; s++)
        {
            var source = s;
            Server.Map($"feed-{s}.xml", async context =>
            {
                if (Interlocked.Increment(ref _requests) >= Volatile.Read(ref _killAfterRequests)) _enoughRequests.TrySetResult();
                context.Response.ContentType = "application/rss+xml; charset=utf-8";
                await context.Response.Body.WriteAsync(Feed(source, ItemCount(Volatile.Read(ref _generation))));
            });
        }
    }

    private static int ItemCount(int generation) => BaseItems + ItemsPerRun * generation;

    private static byte[] Feed(int source, int count)
    {
        var items = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var random = new Random(source * 100_000 + i);
            var title = $"s{source} item {i}: " + string.Join(' ', Enumerable.Range(0, 7).Select(_ => Words[random.Next(Words.Length)]));
            var summary = string.Join(' ', Enumerable.Range(0, 30).Select(_ => Words[random.Next(Words.Length)]));
            items.Append(FaultFeeds.Item(title, $"https://example.org/s{source}/{i}", summary, pubDate: "Wed, 25 Nov 2020 08:00:00 GMT"));
        }
        return Encoding.UTF8.GetBytes(FaultFeeds.Rss(items.ToString()));
    }

    private string Configure()
    {
        var sources = Enumerable.Range(0, SourceCount).Select(s =>
            $$"""{"id": "crash-{{s}}", "kind": "feed", "url": "{{Server.Url($"feed-{s}.xml")}}", "allowPrivateNetwork": true}""");
        var config = Folder.ConfigWithSources($$"""{"sources": [{{string.Join(",\n", sources)}}]}""");
        var settingsPath = Path.Combine(config, "appsettings.json");
        var settings = JsonNode.Parse(File.ReadAllText(settingsPath))!;
        settings["Fetching"]!["Retries"] = 0;
        File.WriteAllText(settingsPath, settings.ToJsonString());
        return config;
    }

    private static Process StartPoll(string config, string database)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "EmbeddedAiReport.Worker.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList = { worker, "poll", "--all", "--config", config, "--db", database },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task PollAll_KilledAtRandomPoints_LosesAndDuplicatesNothing()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("EAIR_CRASH_KILLS"), out var n) && n > 0 ? n : 10;
        var random = new Random(20201125);
        var config = Configure();
        var database = Folder.File("crash.db");
        var killedMidPoll = 0;

        for (var run = 0; run < kills; run++)
        {
            Volatile.Write(ref _generation, run);
            Volatile.Write(ref _requests, 0);
            _enoughRequests = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _killAfterRequests, random.Next(1, SourceCount + 1));
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 150));

            using var process = StartPoll(config, database);
            var exited = process.WaitForExitAsync();
            await Task.WhenAny(_enoughRequests.Task, exited).WaitPatientlyAsync("the requests to kill after, or the poll's exit");
            await Task.WhenAny(Task.Delay(delay), exited);   // only when to kill; nothing below depends on it
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killedMidPoll++;
            }
            await exited.WaitPatientlyAsync("the poll's exit");

            var check = Check(database);
            output.WriteLine($"run {run}: kill after {_killAfterRequests} request(s) + {delay.TotalMilliseconds} ms: {check}");
            Assert.Equal("ok", check.Integrity);
            Assert.Empty(check.Broken);
        }

        // A clean poll after the last kill completes and leaves every item of every feed stored exactly once.
        Volatile.Write(ref _killAfterRequests, int.MaxValue);
        using (var final = StartPoll(config, database))
        {
            await final.WaitForExitAsync().WaitPatientlyAsync("the clean poll's exit");
            Assert.Equal(0, final.ExitCode);
        }
        var last = Check(database);
        output.WriteLine($"final: {last}; killed mid-poll {killedMidPoll} of {kills}");
        Assert.Equal("ok", last.Integrity);
        Assert.Empty(last.Broken);
        Assert.Equal(SourceCount * ItemCount(kills - 1), last.Entries);
        Assert.True(killedMidPoll > 0, "no kill landed during a poll");
    }

    /// <summary>
    /// What a kill could leave behind if a poll's writes were not one transaction: each query counts the rows that break one
    /// invariant (0 when the database is consistent).
    /// </summary>
    private static readonly (string Name, string Sql)[] Invariants =
    [
        // A committed fetch counted `new` entries whose first_fetch_id is its id: all of them must be there.
        ("lost entries", "SELECT coalesce(sum(abs(f.new - (SELECT count(*) FROM entries e WHERE e.first_fetch_id = f.id))), 0) FROM fetches f"),
        // canonical_key is UNIQUE; one feed item reached under a second key would show as a second row with its URL.
        ("entries stored twice", "SELECT count(*) - count(DISTINCT url) FROM entries"),
        ("entries without their fetch", "SELECT count(*) FROM entries WHERE first_fetch_id IS NULL OR first_fetch_id NOT IN (SELECT id FROM fetches)"),
        ("fetches without a health row", "SELECT count(DISTINCT source_id) FROM fetches WHERE source_id NOT IN (SELECT id FROM sources)"),
        // The health row is written in the fetch's transaction, after the fetch started.
        ("health older than its last fetch", """
            SELECT count(*) FROM sources s
            WHERE s.last_poll IS NULL OR s.first_poll IS NULL OR s.last_poll < (SELECT max(f.started) FROM fetches f WHERE f.source_id = s.id)
            """),
        ("entries in no story", "SELECT count(*) FROM entries WHERE story_id IS NULL"),
        ("entries of a missing story", "SELECT count(*) FROM entries WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)"),
        ("stories without members", "SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = s.id)"),
        ("stories whose primary is not a member", """
            SELECT count(*) FROM stories s
            WHERE s.primary_entry_id IS NULL OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = s.primary_entry_id AND e.story_id = s.id)
            """),
        ("signatures without entries", "SELECT count(*) FROM entry_signatures WHERE entry_id NOT IN (SELECT id FROM entries)"),
        ("pending rows without entries", "SELECT count(*) FROM entry_pending WHERE entry_id NOT IN (SELECT id FROM entries)"),
        // Entries are placed in the transaction that stores them: none is left unsigned or still listed as pending.
        ("entries without a signature", "SELECT count(*) FROM entries e WHERE NOT EXISTS (SELECT 1 FROM entry_signatures s WHERE s.entry_id = e.id)"),
        ("pending rows", "SELECT count(*) FROM entry_pending"),
        ("links without entries", "SELECT count(*) FROM entry_links WHERE entry_id NOT IN (SELECT id FROM entries)"),
        ("tags that are not a JSON object", "SELECT count(*) FROM entries WHERE tags IS NOT NULL AND json_type(tags) IS NOT 'object'"),
        ("foreign key violations", "SELECT count(*) FROM pragma_foreign_key_check"),
    ];

    private static CrashCheck Check(string database)
    {
        using var connection = DatabaseProbe.Open(database, readOnly: false);
        var integrity = string.Join(";", DatabaseProbe.Query(connection, "PRAGMA integrity_check", r => r.GetString(0)));
        var broken = Invariants
            .Select(i => (i.Name, Count: DatabaseProbe.Scalar(connection, i.Sql)))
            .Where(i => i.Count != 0)
            .Select(i => $"{i.Name}: {i.Count}")
            .ToList();
        var entries = DatabaseProbe.Scalar(connection, "SELECT count(*) FROM entries");
        var fetches = DatabaseProbe.Scalar(connection, "SELECT count(*) FROM fetches");
        return new CrashCheck(integrity, broken, entries, fetches);
    }

    private sealed record CrashCheck(string Integrity, IReadOnlyList<string> Broken, long Entries, long Fetches)
    {
        public override string ToString() =>
            $"integrity {Integrity}, {Entries} entries, {Fetches} fetches, " + (Broken.Count == 0 ? "no invariant broken" : string.Join("; ", Broken));
    }
}
