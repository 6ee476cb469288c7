using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Xunit.Abstractions;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// Issue 17: two daemons, as two processes, on one PostgreSQL database with Quartz's clustered job store. Thirty loopback
/// sources fire every five seconds: each tick polls every source exactly once, on one daemon or the other; the first
/// daemon is killed with SIGKILL and the second takes its share over; the weekly export is written once.
/// </summary>
/// <remarks>
/// The daemons run on the real clock (two processes cannot share a fake one), so the test waits for what they log, with
/// hang guards only. Each poll is the pair of a firing (event 4202: source, trigger, due time, daemon) and the poll's
/// outcome (2001/2002) that follows it on the same daemon. The first kill comes right after a tick completed, so no
/// outcome can be lost in the killed daemon's log buffer; the next tick's triggers it had already acquired must still fire.
/// A poll's outcome is logged before Quartz records its firing done (a write under the job store's trigger lock, which both
/// busy daemons want): killed right after a tick's polls were logged, a daemon can leave some of them recorded as running;
/// Quartz reruns those on the other daemon, which finds their success and skips them (4209): the same poll, counted once.
/// </remarks>
[Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
public sealed class ClusterTests : LoopbackTest
{
    private const int SourceCount = 30;
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly ITestOutputHelper _output;
    private readonly TestDatabase _database;

    public ClusterTests(ITestOutputHelper output)
    {
        _output = output;
        _database = TestDatabase.Create(StorageProvider.Postgres, Folder);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        for (var i = 0; i < SourceCount; i++)
        {
            var items = string.Concat(Enumerable.Range(0, 2).Select(n => FaultFeeds.Item($"Feed {i} item {n}: NPU quantization", $"https://example.org/{i}/{n}",
                "INT8 quantization on an NPU.", pubDate: "Thu, 19 Nov 2020 08:00:00 GMT")));
            Server.MapFile($"feed-{i:00}.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(items)));
        }
    }

    public override async Task DisposeAsync()
    {
        _database.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task TwoDaemonsOnOneDatabase_EveryTickPollsEachSourceOnce_AKilledDaemonsShareIsTakenOver_TheExportIsWrittenOnce()
    {
        var drafts = Folder.File("drafts");
        // The export fires with a tick's polls: the daemon must not be killed at the end while they run (see the second wait).
        var exportDue = Ceiling(TimeProvider.System.GetUtcNow().AddSeconds(75));
        await using var first = WorkerProcess.Start("daemon A", Config("a", drafts, exportDue));
        await first.WaitForAsync(events => events.Any(e => e.EventId == 4112), Patience);
        await using var second = WorkerProcess.Start("daemon B", Config("b", drafts, exportDue));
        await second.WaitForAsync(events => events.Any(e => e.EventId == 4112), Patience);
        // From two ticks on, the start-up catch-up polls are over and both daemons take the schedule's firings.
        var firstTick = Ceiling(TimeProvider.System.GetUtcNow()) + 2 * Tick;
        var nodes = new[] { first, second };

        // Both daemons share the ticks; right after one completes (nothing in flight), A dies.
        await WaitAsync(nodes, () => Polls(nodes).Any(p => p.Regular && p.Due >= firstTick + 2 * Tick && CompleteAt(Polls(nodes), p.Due) && ClearOfNextTick(p.Due)),
            "three ticks completed by both daemons", () => TickLines(Polls(nodes), firstTick));
        var sharedTicks = Polls(nodes).Where(p => p.Regular && p.Due >= firstTick).ToList();
        await first.KillAsync();
        var killedAt = TimeProvider.System.GetUtcNow();

        // B alone: the ticks A had acquired, then three more, and the export (due with a tick, so B may be killed amid its polls).
        await WaitAsync(nodes, () =>
        {
            var polls = Polls(nodes);
            var complete = Ticks(polls, firstTick).Where(t => CompleteAt(polls, t)).ToList();
            return complete.Count(t => t > killedAt) >= 3 && Gaps(polls, firstTick, complete.Max()).Count == 0
                && nodes.SelectMany(n => n.Events).Any(e => e.EventId == 4001);
        }, "three ticks after the kill and the weekly export", () => $"killed A at {killedAt:HH:mm:ss.fff}\n" + TickLines(Polls(nodes), firstTick));
        await second.KillAsync();

        var all = Polls(nodes);
        var lastTick = Ticks(all, firstTick).Where(t => CompleteAt(all, t)).Max();
        var ticks = Enumerable.Range(0, (int)((lastTick - firstTick) / Tick) + 1).Select(i => firstTick + i * Tick).ToList();
        _output.WriteLine(TickLines(all, firstTick, lastTick));
        _output.WriteLine($"killed A at {killedAt:HH:mm:ss.fff}; catch-up polls {all.Count(p => !p.Regular)}; recovered firings " +
            nodes.SelectMany(n => n.Events).Count(e => e.EventId == 4202 && e["Recovering"] == "True") + $", of them reruns of a logged poll {all.Count(p => Rerun(all, p))}");
        foreach (var tick in ticks)
        {
            var polled = all.Where(p => p.Regular && p.Due == tick && !Rerun(all, p)).GroupBy(p => p.Source).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(polled.Count == SourceCount && polled.Values.All(n => n == 1),
                $"tick {tick:o}: {polled.Count} sources polled, {polled.Count(p => p.Value > 1)} more than once");
        }
        Assert.True(ticks.Count(t => t > killedAt) >= 3);
        Assert.Contains(sharedTicks, p => p.Node == first.Name);
        Assert.Contains(sharedTicks, p => p.Node == second.Name);
        Assert.DoesNotContain(all, p => p.Node == first.Name && p.Due > killedAt);

        // Every poll either daemon logged is one fetches row, and no other poll happened, but in the tick B was killed amid:
        // a poll commits its row before its log line is out, so a source may have a row of that tick and no logged poll.
        using (var connection = DatabaseProbe.Open(_database))
        {
            var rows = DatabaseProbe.Query(connection, "SELECT source_id, started FROM fetches",
                    r => (Source: r.GetString(0), Started: DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture)))
                .ToLookup(r => r.Source, r => r.Started);
            var logged = all.Where(p => !p.Skipped).ToLookup(p => p.Source, p => p.Due);
            var killedAmid = lastTick + Tick;
            foreach (var source in rows.Select(g => g.Key).Union(logged.Select(g => g.Key)).Order())
            {
                var (before, loggedBefore) = (rows[source].Count(t => t < killedAmid), logged[source].Count(t => t < killedAmid));
                var (after, loggedAfter) = (rows[source].Count(t => t >= killedAmid), logged[source].Count(t => t >= killedAmid));
                if (before == loggedBefore && loggedAfter <= after && after <= 1) continue;
                Explain(connection, nodes, source);
                Assert.Fail($"{source}: {loggedBefore} polls logged and {before} fetches rows before {killedAmid:o}, {loggedAfter} and {after} from then");
            }
            Assert.Equal(1, DatabaseProbe.Scalar(connection, "SELECT count(*) FROM draft_exports"));
        }

        // The weekly export ran once, on one daemon, and wrote one file.
        var exported = Assert.Single(nodes.SelectMany(n => n.Events), e => e.EventId == 4001);
        var week = EditorialWeek.Containing(exportDue - TimeSpan.FromDays(1), Shanghai).ToString();
        Assert.Equal(week, exported["Week"]);
        Assert.Equal([$"{week}.md"], Directory.GetFiles(drafts).Select(Path.GetFileName));
    }

    // A source whose fetches rows and logged polls differ: what each daemon said about it, and its rows.
    private void Explain(System.Data.Common.DbConnection connection, WorkerProcess[] nodes, string source)
    {
        foreach (var node in nodes)
        {
            foreach (var e in node.Events.Where(e => e["SourceId"] == source || e.Message.Contains(source, StringComparison.Ordinal)))
                _output.WriteLine($"{node.Name} {e.EventId} {e.Level}: {e.Message}");
            foreach (var line in node.OtherLines) _output.WriteLine($"{node.Name} printed: {line}");
        }
        foreach (var row in DatabaseProbe.Query(connection, $"SELECT started, duration_ms, http_status, error FROM fetches WHERE source_id = '{source}' ORDER BY id",
                     r => $"{r.GetValue(0)} {r.GetValue(1)} ms, HTTP {r.GetValue(2)}, error {r.GetValue(3)}"))
            _output.WriteLine($"fetch of {source}: {row}");
    }

    private sealed record Poll(string Source, bool Regular, DateTimeOffset Due, string Node, bool Skipped, bool Recovering);

    // A firing Quartz recovered on the other daemon after the kill (its record said the killed daemon was still running it),
    // skipped there (4209) because the killed daemon's poll of it, logged, had succeeded: the same poll, not a second one.
    private static bool Rerun(List<Poll> polls, Poll poll) => poll is { Recovering: true, Skipped: true }
        && polls.Any(p => p != poll && p.Regular && p.Source == poll.Source && p.Due == poll.Due && p.Node != poll.Node && !p.Skipped);

    // Each firing that a poll outcome follows on the same daemon, for the same source. A firing that waited behind the
    // source's previous poll (on a loaded machine a poll can outlast a tick) is skipped when that poll's success came after
    // it was due (4209): its work was done, and the tick counts it.
    private static List<Poll> Polls(IEnumerable<WorkerProcess> nodes)
    {
        var polls = new List<Poll>();
        foreach (var node in nodes)
        {
            var firing = new Dictionary<string, (bool Regular, DateTimeOffset Due, bool Recovering)>(StringComparer.Ordinal);
            foreach (var e in node.Events)
            {
                if (e.EventId == 4202 && e["SourceId"] is { } id && e["Due"] is { } due)
                    firing[id] = (e["Trigger"] == "schedule", DateTimeOffset.Parse(due, CultureInfo.InvariantCulture), e["Recovering"] == "True");
                else if (e.EventId is 2001 or 2002 or 4209 && e["SourceId"] is { } polled && firing.Remove(polled, out var fired))
                    polls.Add(new Poll(polled, fired.Regular, fired.Due, node.Name, Skipped: e.EventId == 4209, fired.Recovering));
            }
        }
        return polls;
    }

    private static bool CompleteAt(List<Poll> polls, DateTimeOffset tick) =>
        polls.Where(p => p.Regular && p.Due == tick).Select(p => p.Source).Distinct().Count() == SourceCount;

    private static IEnumerable<DateTimeOffset> Ticks(List<Poll> polls, DateTimeOffset from) =>
        polls.Where(p => p.Regular && p.Due >= from).Select(p => p.Due).Distinct().Order();

    private static List<DateTimeOffset> Gaps(List<Poll> polls, DateTimeOffset from, DateTimeOffset to)
    {
        var gaps = new List<DateTimeOffset>();
        for (var tick = from; tick <= to; tick += Tick)
            if (!CompleteAt(polls, tick)) gaps.Add(tick);
        return gaps;
    }

    // A kill now lands before the next tick's firings (not during its polls).
    private static bool ClearOfNextTick(DateTimeOffset tick) => TimeProvider.System.GetUtcNow() < tick + Tick - TimeSpan.FromSeconds(1.5);

    private static DateTimeOffset Ceiling(DateTimeOffset time) => new(time.UtcTicks + Tick.Ticks - time.UtcTicks % Tick.Ticks, TimeSpan.Zero);

    // Per tick from the first on, how many sources each daemon polled: what a failure message needs (the dumps keep only
    // each daemon's last lines).
    private static string TickLines(List<Poll> polls, DateTimeOffset from, DateTimeOffset? to = null)
    {
        var last = to ?? Ticks(polls, from).DefaultIfEmpty(from).Max();
        var lines = new List<string>();
        for (var tick = from; tick <= last; tick += Tick)
            lines.Add($"{tick:HH:mm:ss}: " + string.Join(", ", polls.Where(p => p.Regular && p.Due == tick).GroupBy(p => p.Node)
                    .Select(g => $"{g.Key} {g.Count()}" + (g.Count(p => p.Skipped) is > 0 and var skipped ? $" ({skipped} skipped)" : "")))
                + (CompleteAt(polls, tick) ? "" : " (incomplete)"));
        return string.Join("\n", lines);
    }

    private static async Task WaitAsync(WorkerProcess[] nodes, Func<bool> condition, string what, Func<string> ticks)
    {
        var started = TimeProvider.System.GetUtcNow();
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() - started > Patience || nodes.All(n => n.HasExited))
                throw new TimeoutException($"no {what}; polls per tick:\n{ticks()}\nthe daemons printed:\n" + string.Join("\n---\n", nodes.Select(n => n.Dump())));
            await Task.WhenAny(nodes.Where(n => !n.HasExited).Select(n => n.NextLine).Append(Task.Delay(Patience)));
        }
    }

    // One daemon's config folder: the shared sources, database and drafts folder; a port of its own; logs as JSON with firings.
    private string Config(string name, string drafts, DateTimeOffset exportDue)
    {
        var sources = string.Join(",\n", Enumerable.Range(0, SourceCount).Select(i =>
            $$"""{"id": "feed-{{i:00}}", "kind": "feed", "url": "{{Server.Url($"feed-{i:00}.xml")}}", "schedule": "0/5 * * * * ?", "allowPrivateNetwork": true}"""));
        var config = Folder.ConfigWithSources($$"""{"sources": [{{sources}}]}""", "config-" + name);
        var path = Path.Combine(config, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var due = TimeZoneInfo.ConvertTime(exportDue, Shanghai);
        // Port 0: the test reads no endpoint, and a port found free here could be taken before the child binds it.
        json["Report"]!["Urls"] = "http://127.0.0.1:0";
        json["Report"]!["DraftsDirectory"] = drafts;
        json["Report"]!["ExportSchedule"] = $"{due.Second} {due.Minute} {due.Hour} * * ?";
        json["Storage"] = new JsonObject
        {
            ["Provider"] = "postgres", ["ConnectionString"] = _database.ConnectionString, ["ClusterCheckinInterval"] = "00:00:01",
        };
        json["Logging"]!["Format"] = "json";
        json["Logging"]!["LogLevel"]!["EmbeddedAiReport.Worker.Jobs.PollSourceJob"] = "Debug";
        File.WriteAllText(path, json.ToJsonString());
        return config;
    }
}
