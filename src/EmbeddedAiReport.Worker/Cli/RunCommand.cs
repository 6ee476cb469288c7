using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Configuration;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>run</c>: the daemon, until SIGINT/SIGTERM.</summary>
internal static partial class RunCommand
{
    [LoggerMessage(EventId = 4113, Level = LogLevel.Error, Message = "The job store is damaged ({Problem}); recreating it and rebuilding the schedules from sources.json")]
    private static partial void JobStoreDamaged(this ILogger logger, string problem);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Information, Message = "Database {Location}: {What}")]
    private static partial void Migrated(this ILogger logger, string location, string what);

    public static async Task<int> RunAsync(CliContext context, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig(printWarnings: false) is not { } config) return ExitCodes.UsageOrConfig;
        if (Http.ListenAddresses.FirstInUse(config.Report.Urls) is { } taken)
        {
            context.Error.WriteLine(Http.ListenAddresses.InUseMessage(taken));
            return ExitCodes.UsageOrConfig;
        }
        if (Http.ListenAddresses.CertificateProblem(config.Report.Urls, config.Configuration) is { } noCertificate)
        {
            context.Error.WriteLine(noCertificate);
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.Build(config, daemon: true, configure);
        // A missing or corrupt ranker.json runs on the keyword score: the operator learns it from the log.
        foreach (var warning in config.Warnings) app.Services.GetRequiredService<ILogger<LoadedConfig>>().ConfigWarning(warning);
        var database = app.Services.GetRequiredService<ReportDatabase>();
        var applied = await database.MigrateAsync(cancellationToken);
        // An upgrade changed the schema: said, so that the operator knows a backup of before it is what a downgrade needs.
        if (applied.Count > 0)
            app.Services.GetRequiredService<ILogger<ReportDatabase>>().Migrated(database.Location,
                applied.Count == ReportDatabase.MigrationNames(database.Provider).Count
                    ? $"created ({Counted.Of(applied.Count, "migration", "migrations")}, the last {applied[^1]})"
                    : $"upgraded: applied {string.Join(", ", applied)}");
        // One daemon per SQLite file (DaemonLock): checked before the job store, which a second daemon would reset.
        var (daemonLock, running) = database.Path is { } path ? DaemonLock.TryAcquire(path) : (null, null);
        using var held = daemonLock;
        if (running is not null)
        {
            context.Error.WriteLine(running);
            return ExitCodes.UsageOrConfig;
        }
        // Quartz refuses to start on a job store it cannot read; a damaged one costs only the schedules, rebuilt from sources.json.
        var tables = app.Services.GetRequiredService<SchedulerTables>();
        if (await tables.CheckAsync(cancellationToken) is { } problem)
        {
            app.Services.GetRequiredService<ILogger<SchedulerTables>>().JobStoreDamaged(problem);
            await tables.RecreateAsync(cancellationToken);
        }
        // Damage anywhere else (entries, stories, issues) is not the daemon's to paper over: it would poll into it and serve it.
        if (await tables.DatabaseProblemAsync(cancellationToken) is { } damage)
        {
            context.Error.WriteLine($"error: {database.Location}: the database is damaged ({damage}); restore a backup (the backup command "
                + "makes them) or recover it with sqlite3's .recover into a new file");
            return ExitCodes.UsageOrConfig;
        }
        // Entries under an id sources.json lost (a renamed source): validate says it too, as a warning.
        if (StoredSources.OrphanWarning(config.Sources, await app.Services.GetRequiredService<SourceStore>().EntryCountsAsync(cancellationToken)) is { } orphans)
            app.Services.GetRequiredService<ILogger<LoadedConfig>>().ConfigWarning(orphans);
        // What starting up allocated (config models, the host, the first queries) is garbage once it runs: hand it back to the
        // system at once rather than keep it committed while the daemon idles between polls.
        app.Lifetime.ApplicationStarted.Register(ManagedMemory.GiveBack);
        try
        {
            await app.RunAsync(cancellationToken);
        }
        catch (IOException ex) when (Http.ListenAddresses.IsAddressInUse(ex))   // taken between the check and the bind
        {
            context.Error.WriteLine(Http.ListenAddresses.InUseMessage(config.Report.Urls));
            return ExitCodes.UsageOrConfig;
        }
        return ExitCodes.Ok;
    }
}
