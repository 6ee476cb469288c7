using System.Reflection;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The daemon's weekly export and daily housekeeping when the database itself fails (here: its file deleted under the
/// daemon; locked past Storage:BusyTimeout, full or damaged are the same kind, ReportDatabase.IsUnavailable): one line
/// naming the file, as a scheduled poll's (event 4203), no stack trace, and the job returns, so the daemon runs on.
/// </summary>
public sealed class JobDatabaseFailureTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();
    private CommandServices? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _directory.Dispose();
    }

    // The daemon's services on a database they opened once, which is then deleted (README: "polls fail naming it").
    private async Task<(IServiceProvider Services, string Db)> DeletedDatabaseAsync()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var db = _directory.File("r.db");
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, db), services => services.AddSingleton<ILoggerProvider>(_logs));
        var database = _app.Services.GetRequiredService<ReportDatabase>();
        await using (await database.OpenAsync(CancellationToken.None))
        {
        }
        SqliteConnection.ClearPool(new SqliteConnection(database.ConnectionString));
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(db + suffix);
        return (_app.Services, db);
    }

    private static string Deleted(string db) =>
        $"{db}: the database file was deleted after this process opened it, so it reads and writes nothing more there: put the file back, or restart to use what is there now";

    [Fact]
    public async Task HousekeepingJob_DatabaseFails_OneLineNamingItNoStackTrace_TheJobReturns()
    {
        var (services, db) = await DeletedDatabaseAsync();
        var job = ActivatorUtilities.CreateInstance<HousekeepingJob>(services);

        await job.Execute(null!, CancellationToken.None);   // the job reads nothing from its Quartz context

        var line = Assert.Single(_logs.Lines, l => l.EventId == 4302);
        Assert.Equal($"Housekeeping not done, the database failed: {Deleted(db)}; it runs again at its next firing", line.Message);
        Assert.Empty(_logs.Exceptions);
    }

    [Fact]
    public async Task ExportDraftJob_DatabaseFails_OneLineNamingItNoStackTrace_TheJobReturns()
    {
        var (services, db) = await DeletedDatabaseAsync();
        var job = ActivatorUtilities.CreateInstance<ExportDraftJob>(services);
        // A catch-up firing for Monday 2020-11-23 09:00 in Shanghai: the week that contains the Sunday before, 2020-W47.
        var context = CatchUp.Of(new DateTimeOffset(2020, 11, 23, 1, 0, 0, TimeSpan.Zero));

        await job.Execute(context, CancellationToken.None);

        var line = Assert.Single(_logs.Lines, l => l.EventId is 4002 or 4004);
        Assert.Equal($"Export of draft 2020-W47 stopped, the database failed: {Deleted(db)}; once it is mended, export --week 2020-W47 --out FILE writes it",
            line.Message);
        Assert.Empty(_logs.Exceptions);
    }

    [Fact]
    public async Task ExportDraftJob_DraftsFolderCannotBeMade_OneLineNamingTheDraftNoStackTrace_TheJobReturns()
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var file = _directory.File("afile");
        File.WriteAllText(file, "not a folder");
        TempDirectory.EditSettings(config, json => json["Report"]!["DraftsDirectory"] = Path.Combine(file, "drafts"));
        _app = WorkerHost.BuildCommand(WorkerHost.LoadConfig(config, _directory.File("r.db")), services => services.AddSingleton<ILoggerProvider>(_logs));
        var job = ActivatorUtilities.CreateInstance<ExportDraftJob>(_app.Services);

        await job.Execute(CatchUp.Of(new DateTimeOffset(2020, 11, 23, 1, 0, 0, TimeSpan.Zero)), CancellationToken.None);

        var line = Assert.Single(_logs.Lines, l => l.EventId is 4002 or 4005);
        Assert.StartsWith($"Export of draft 2020-W47 not written: {Path.Combine(file, "drafts", "2020-W47.md")}: ", line.Message);
        Assert.EndsWith(" (Report:DraftsDirectory)", line.Message);
        Assert.Empty(_logs.Exceptions);
    }

    /// <summary>The Quartz context of a catch-up export firing: all the job reads of it is the due time it carries.</summary>
    public class CatchUp : DispatchProxy
    {
        private readonly JobDataMap _data = new();

        public static IJobExecutionContext Of(DateTimeOffset due)
        {
            var context = DispatchProxy.Create<IJobExecutionContext, CatchUp>();
            ((CatchUp)(object)context)._data[ExportDraftJob.DueKey] = due.ToString("o");
            return context;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_MergedJobDataMap" => _data,
            "get_Recovering" => false,
            _ => throw new NotSupportedException($"the export job read {targetMethod?.Name} of its context"),
        };
    }
}
