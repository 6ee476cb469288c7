using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>backup --out FILE</c>: a consistent copy of the database, safe while the daemon runs (SQLite's online backup API).</summary>
internal static class BackupCommand
{
    public static async Task<int> RunAsync(CliContext context, string target, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.RefusedOut(target, FileArgument.OutputProblem)) return ExitCodes.UsageOrConfig;
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        await using var app = WorkerHost.BuildCommand(config, configure);
        var database = app.Services.GetRequiredService<ReportDatabase>();
        if (database.Path is null)
        {
            context.Error.WriteLine($"backup copies a SQLite file; the database is {database.Location}: back it up with pg_dump");
            return ExitCodes.UsageOrConfig;
        }
        if (!File.Exists(database.Path))
        {
            context.Error.WriteLine($"no database at {database.Path} (pass --db PATH)");
            return ExitCodes.UsageOrConfig;
        }
        if (context.RefusedOut(target, path => FileArgument.ReplacesDatabase(path, config))) return ExitCodes.UsageOrConfig;
        try
        {
            await database.BackupAsync(target, cancellationToken);
        }
        catch (OutputFileException ex)
        {
            // The copy's folder or disk, not the database: named as the user gave it, as the checks above do.
            context.Error.WriteLine($"--out {target}: {ex.Reason}");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"backed up {database.Path} to {Path.GetFullPath(target)} ({new FileInfo(target).Length} bytes)");
        return ExitCodes.Ok;
    }
}
