using System.Data.Common;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Jobs;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>validate</c>: check the config folder and report every problem at once.</summary>
internal static class ValidateCommand
{
    public static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        if (context.LoadValidConfig(check: config => { CheckSchedules(config, now); CheckDraftsFolder(config); CheckCertificate(config); }) is not { } config)
            return ExitCodes.UsageOrConfig;
        // Not the config's problem but what the database holds: said, without changing the exit code (a removed source's
        // entries stay for good, and validate would fail for ever).
        if (await OrphanWarningAsync(config, cancellationToken) is { } orphans) context.Error.WriteLine($"warning: {orphans}");
        // The daemon runs on with a fallback, but a check of the config folder must not call it OK.
        if (config.Warnings.Count > 0)
        {
            context.Error.WriteLine($"{config.Warnings.Count} config problem(s) the daemon works around (see the warnings above).");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"config OK: {config.Directory}: {Counted.Of(config.Sources.Count, "source", "sources")} ({config.EnabledSources.Count} enabled)");
        return ExitCodes.Ok;
    }

    // Read-only: the SQLite file is opened as such when it exists, not migrated, and nothing is created (no file there is
    // fine: poll or run makes one). A file with no entries table yet, or one SQLite cannot read, has nothing to say here.
    // PostgreSQL is not contacted (validate checks files); the daemon's start says the same on both.
    private static async Task<string?> OrphanWarningAsync(LoadedConfig config, CancellationToken cancellationToken)
    {
        if (config.Storage.Provider != StorageProvider.Sqlite || !File.Exists(config.Report.Database)) return null;
        try
        {
            await using var database = config.OpenDatabase();
            await using var connection = await database.OpenReadOnlyAsync(cancellationToken);
            return StoredSources.OrphanWarning(config.Sources, await SourceStore.EntryCountsAsync(connection, cancellationToken));
        }
        catch (DbException)
        {
            return null;
        }
    }

    // run refuses to start on an https address without its certificate (one line, exit 2): validate says so before it.
    private static void CheckCertificate(LoadedConfig config)
    {
        if (Http.ListenAddresses.CertificateProblem(config.Report.Urls, config.Configuration) is { } problem)
            config.Problems.Add($"{LoadedConfig.AppSettingsFile}: {problem}");
    }

    // The weekly export job writes there (and makes the folder); a file in its place failed only at the first export (4002).
    private static void CheckDraftsFolder(LoadedConfig config)
    {
        if (FileArgument.FolderProblem(config.Report.DraftsDirectory) is { } problem)
            config.Problems.Add($"{LoadedConfig.AppSettingsFile}: Report:DraftsDirectory: '{config.Report.DraftsDirectory}': {problem}: the weekly export job could not write its drafts there");
    }

    /// <summary>
    /// The schedules the daemon would leave out at start because they have no time left to fire (a cron whose year field has
    /// passed; Quartz refuses such a trigger): by the daemon's own test, <see cref="Schedules.NeverFires"/>, as of now. A
    /// source left unscheduled is a warning (the daemon runs on without it, event 4115), a weekly export that is never
    /// written a problem; the housekeeping job, which only deletes old fetches, a warning.
    /// </summary>
    private static void CheckSchedules(LoadedConfig config, DateTimeOffset now)
    {
        TimeZoneInfo zone;
        try
        {
            zone = config.Draft.Zone();
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return;   // Draft:TimeZone is a problem of its own already
        }
        foreach (var source in config.EnabledSources.Where(s => Schedules.NeverFires(s.Schedule, now, zone)))
            config.Warnings.Add($"{LoadedConfig.SourcesFile}: source '{source.Id}': schedule: '{source.Schedule}' has no time left to fire (its year has passed): "
                + $"the daemon leaves the source unscheduled (event 4115); give it a schedule that fires (poll --source {source.Id} still polls it)");
        if (Expired(config.Report.ExportSchedule))
            config.Problems.Add($"{LoadedConfig.AppSettingsFile}: Report:ExportSchedule: '{config.Report.ExportSchedule}' has no time left to fire (its year has passed): "
                + "the daemon would never write the weekly draft (event 4116)");
        if (Expired(config.Report.HousekeepingSchedule))
            config.Warnings.Add($"{LoadedConfig.AppSettingsFile}: Report:HousekeepingSchedule: '{config.Report.HousekeepingSchedule}' has no time left to fire (its year has passed): "
                + "the daemon would never delete old fetches (event 4116)");

        // A cron Quartz refuses is a problem of its own already (Report falls back to the defaults then).
        bool Expired(string cron) => LoadedConfig.CronProblem(cron) is null && Schedules.NeverFires(cron, now, zone);
    }
}
