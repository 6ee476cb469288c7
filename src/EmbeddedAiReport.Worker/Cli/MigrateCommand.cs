using System.CommandLine;
using System.Data.Common;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>migrate --to postgres --connection CS</c>: copies the SQLite database into an empty PostgreSQL one and prints the counts that prove it.</summary>
internal static class MigrateCommand
{
    public static Command Create(Func<ParseResult, CliContext> context, Action<IServiceCollection>? configure)
    {
        var to = new Option<string>("--to") { Description = "Target provider (postgres)", Required = true };
        to.OneOf("postgres");
        var connection = new Option<string>("--connection") { Description = "Npgsql connection string of the new PostgreSQL database", Required = true };
        var command = new Command("migrate", "Copy the SQLite database (--db, Report:Database) into an empty PostgreSQL database, verified by row counts.") { to, connection };
        command.SetAction((p, ct) => ReportCli.WithSignals(ct, token => RunAsync(context(p), p.GetValue(connection)!, token)));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string connectionString, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = connectionString }.Validate().FirstOrDefault() is { } problem)
        {
            context.Error.WriteLine($"migrate: --connection: {problem}");
            return ExitCodes.UsageOrConfig;
        }
        if (!File.Exists(config.Report.Database))
        {
            context.Error.WriteLine($"migrate: no SQLite database at {Path.GetFullPath(config.Report.Database)} (pass --db PATH)");
            return ExitCodes.UsageOrConfig;
        }
        await using var source = new ReportDatabase(config.Report.Database);
        await using var target = ReportDatabase.Postgres(connectionString);
        context.Error.WriteLine($"Copying {source.Location} into {target.Location}");
        DatabaseCopy.Result result;
        try
        {
            result = await new DatabaseCopy(source, target).CopyAsync(table => context.Error.WriteLine($"  {table}"), cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or FormatException)
        {
            // An unreachable server, a refused login, a row PostgreSQL rejects: the copy's transaction rolled back. Not "nothing was
            // written": the schema is brought up to date first, as by every command, and a failing migration (a table of that
            // name already there) leaves the ones before it, schema_migrations among them.
            context.Error.WriteLine($"migrate: {DatabaseFailureException.CauseOf(ex)}; no row was copied to {target.Location}");
            return ExitCodes.UsageOrConfig;
        }
        foreach (var table in result.Tables)
            context.Out.WriteLine($"{table.Table}: {table.Source} rows in SQLite, {table.Target} in PostgreSQL{(table.Source == table.Target ? "" : "  MISMATCH")}");
        if (result.Problem is { } failure)
        {
            context.Error.WriteLine($"migrate: {failure}");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"Copied {result.Tables.Count} tables, {result.Tables.Sum(t => t.Target)} rows; every count matches. " +
            "Point the daemons at it with Storage:Provider=postgres and Storage:ConnectionString; they rebuild their schedules from sources.json.");
        return ExitCodes.Ok;
    }
}
