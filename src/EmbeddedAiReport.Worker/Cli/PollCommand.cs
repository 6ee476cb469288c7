using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>poll</c>: poll the chosen sources once and print one line per source.</summary>
/// <remarks><c>poll</c> and <c>poll --all</c> are the same: every enabled source. <c>--source ID</c> polls those sources, disabled ones too.</remarks>
internal static class PollCommand
{
    private static readonly IReadOnlySet<Type> NoTemplate = new HashSet<Type> { typeof(DraftRenderer) };

    public static async Task<int> RunAsync(CliContext context, string[] ids, bool all, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (all && ids.Length > 0)
        {
            context.Error.WriteLine("poll: use --source ID... (those sources, enabled or not) or --all (every enabled source, the default), not both");
            return ExitCodes.UsageOrConfig;
        }
        // A poll renders no draft: the template is left to the commands that do (and to `validate`).
        if (context.LoadValidConfig(skip: NoTemplate) is not { } config) return ExitCodes.UsageOrConfig;
        var unknown = ids.Where(id => config.Sources.All(s => s.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            context.Error.WriteLine($"unknown source id(s): {string.Join(", ", unknown)} (see 'sources')");
            return ExitCodes.UsageOrConfig;
        }
        var chosen = ids.Length > 0 ? config.Sources.Where(s => ids.Contains(s.Id)).ToList() : config.EnabledSources;

        await using var app = WorkerHost.BuildCommand(config, configure);
        // The database is brought up to date (on a new one: its whole schema, ~25 ms) while the poller's services are made.
        var database = app.Services.GetRequiredService<ReportDatabase>();
        var migrating = Task.Run(() => database.MigrateAsync(cancellationToken), CancellationToken.None);
        var poller = app.Services.GetRequiredService<SourcePoller>();
        try
        {
            await migrating;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not NewerDatabaseException)
        {
            // Locked past Storage:BusyTimeout, damaged, not writable: every source's poll would meet it, so nothing is polled.
            // (A database a newer version upgraded is refused by ReportCli, one line and exit 2 as well.)
            context.Error.WriteLine($"error: {new DatabaseFailureException(database.Location, ex, database.BusyTimeout).Message}; nothing was polled");
            return ExitCodes.UsageOrConfig;
        }
        // One line per source as it finishes, numbered, so a long poll shows progress on a terminal and in a log alike.
        var done = 0;
        var width = chosen.Count.ToString().Length;
        void Report(PollResult result)
        {
            lock (context.Out) context.Out.WriteLine($"[{Interlocked.Increment(ref done).ToString().PadLeft(width)}/{chosen.Count}] {result.Describe()}");
        }
        IReadOnlyList<PollResult> results;
        try
        {
            results = await poller.PollManyAsync(chosen, config.Fetching.MaxParallelSources, cancellationToken, Report);
        }
        catch (DatabaseFailureException ex)
        {
            // The database's failure, not the sources': the poll stopped, and the sources listed above are the ones stored.
            context.Error.WriteLine($"error: {ex.Message}; the poll stopped: {Volatile.Read(ref done)} of {chosen.Count} source(s) done before it, the others not stored");
            return ExitCodes.UsageOrConfig;
        }
        var failed = results.Count(r => r.Failed);
        // Sources left out for their host's politeness gap are no failure (the exit code stays 0 for them): the daemon polls them in turn.
        var notPolled = results.Count(r => r.NotPolled is not null);
        context.Out.WriteLine($"polled {results.Count - notPolled} source(s): {results.Sum(r => r.New)} new, {results.Sum(r => r.Updated)} updated, {failed} failed"
            + (notPolled == 0 ? "" : $"; {notPolled} not polled, no turn at their host in the run's budget (see above)"));
        return failed > 0 ? ExitCodes.SourcesFailed : ExitCodes.Ok;
    }
}
