using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>What every command gets: the global options, the output writers and what the command does with the database.</summary>
/// <param name="DatabaseAccess">Decides what <see cref="LoadValidConfig"/> checks of the SQLite file (<see cref="FileArgument.DatabaseProblem"/>).</param>
internal sealed record CliContext(string ConfigDirectory, string? Database, TextWriter Out, TextWriter Error, DatabaseAccess DatabaseAccess = DatabaseAccess.MayCreate)
{
    /// <summary>
    /// Where the configured database is (<see cref="ReportDatabase.Location"/>: the SQLite file's full path, or the PostgreSQL
    /// server and database), once <see cref="LoadValidConfig"/> has read the config: <see cref="ReportCli"/> names it when
    /// the database fails the command (SQLite's errors and PostgreSQL's name neither).
    /// </summary>
    public string? DatabaseLocation { get; private set; }

    /// <summary>The SQLite file's <c>Storage:BusyTimeout</c> once <see cref="LoadValidConfig"/> has read the config (null on PostgreSQL): named with a lock held past it.</summary>
    public TimeSpan? BusyTimeout { get; private set; }

    /// <summary>Loads the config and checks the database file; prints every problem and returns null when there are any.</summary>
    /// <param name="printWarnings">False for the daemon, which logs them (its log may be JSON lines).</param>
    /// <param name="skip">Reloadable parts the command never uses: not read nor checked (<see cref="LoadedConfig.Load"/>).</param>
    /// <param name="check">Further checks of the loaded config, which add to its problems and warnings before they are printed (<c>validate</c>'s).</param>
    public LoadedConfig? LoadValidConfig(bool printWarnings = true, IReadOnlySet<Type>? skip = null, Action<LoadedConfig>? check = null)
    {
        var config = WorkerHost.LoadConfig(ConfigDirectory, Database, skip);
        DatabaseLocation = ReportDatabase.LocationOf(config.Storage, config.Report.Database);
        BusyTimeout = config.Storage.Provider == StorageProvider.Sqlite ? config.Storage.BusyTimeout : null;
        check?.Invoke(config);
        if (printWarnings)
            foreach (var warning in config.Warnings) Error.WriteLine($"warning: {warning}");
        if (config.Problems.Count == 0)
        {
            if (DatabaseProblem(config) is not { } database) return config;
            Error.WriteLine(database);
            return null;
        }
        foreach (var problem in config.Problems) Error.WriteLine(problem);
        Error.WriteLine($"{config.Problems.Count} config problem(s); nothing was done.");
        return null;
    }

    /// <summary>Prints <c>--out FILE: problem</c> when <paramref name="check"/> finds one in <paramref name="output"/> (none given: none); true when it did.</summary>
    public bool RefusedOut(string? output, Func<string, string?> check)
    {
        if (output is null || check(output) is not { } problem) return false;
        Error.WriteLine($"--out {output}: {problem}");
        return true;
    }

    // A folder, a file that is not a database, or (for a command that only works on what is stored) no file at all: said
    // now in one line, rather than as a SQLite error later or a new empty database at a mistyped path.
    private string? DatabaseProblem(LoadedConfig config)
    {
        if (config.Storage.Provider != StorageProvider.Sqlite) return null;
        if (FileArgument.DatabaseProblem(config.Report.Database, DatabaseAccess) is not { } problem) return null;
        return Database is not null ? $"--db {Database}: {problem}" : $"Report:Database {config.Report.Database}: {problem}";
    }
}
