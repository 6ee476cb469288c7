using System.Net.Sockets;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace EmbeddedAiReport.Tests.Worker.Logging;

/// <summary>
/// The daemon's console format (README, Connections): while PostgreSQL is down Quartz's job store logs its retries, each
/// one line with the exception's messages, as the daemon's own 4203 is; other components' exceptions keep their stacks.
/// </summary>
public sealed partial class OneLineConsoleFormatterTests : IDisposable
{
    private const string JobStore = "Quartz.Impl.AdoJobStore.JobStoreTX";
    private readonly ServiceProvider _services;

    public OneLineConsoleFormatterTests() =>
        _services = new ServiceCollection().AddLogging(logging => WorkerHost.ConfigureLogging(logging, new ConfigurationBuilder().Build(), daemon: true))
            .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Write_QuartzWarningWithAServerThatRefusesConnections_IsOneLineWithTheMessagesAndNoStack()
    {
        var line = Write(LogLevel.Warning, JobStore, new EventId(3038), "Transient exception on attempt 1 of 4 in ExecuteInLocalTransactionLock, will retry after 00:00:15",
            ConnectionFailure());

        Assert.Matches(OneLine(), line);
        Assert.EndsWith(" warn: Quartz.Impl.AdoJobStore.JobStoreTX[3038] Transient exception on attempt 1 of 4 in ExecuteInLocalTransactionLock, will retry after 00:00:15: "
            + "Failed to obtain DB connection from data source 'default': Npgsql.NpgsqlException (0x80004005): Failed to connect to 127.0.0.1:54330 ---> Connection refused"
            + Environment.NewLine, line);
    }

    [Theory]
    // Quartz's cluster manager and job store put the exception's message into their own text as well (seen with the
    // PostgreSQL server stopped: 3514 ran to 6,000 characters of Npgsql's stack; a revoked table's 3029 said its cause twice).
    [InlineData("Quartz.Impl.AdoJobStore.ClusterManager", 3514, "Error managing cluster")]
    [InlineData("Quartz.Impl.AdoJobStore.LocalTransactionJobStore", 3029, "Caught job persistence exception")]
    public void Write_QuartzTextThatRepeatsTheExceptionsMessage_SaysEachMessageOnceWithNoStack(string category, int eventId, string text)
    {
        var failure = ConnectionFailure();

        var line = Write(LogLevel.Error, category, new EventId(eventId), $"{text}: {failure.Message}", failure);

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith($"[{eventId}] {text}: "
            + "Failed to obtain DB connection from data source 'default': Npgsql.NpgsqlException (0x80004005): Failed to connect to 127.0.0.1:54330 ---> Connection refused"
            + Environment.NewLine, line);
    }

    [Fact]
    public void Write_HostFailingToStartOnAFullDisk_IsOneLineWithTheMessagesAndNoStack()
    {
        // `run` on a full disk: Quartz's start could not commit the schedules; the host logs it before `run` prints its `error:` line.
        var sqlite = Thrown(() => throw new Microsoft.Data.Sqlite.SqliteException("SQLite Error 13: 'database or disk is full'.", 13));
        var full = Thrown(() => throw new JobPersistenceException("Couldn't commit ADO.NET transaction. SQLite Error 13: 'database or disk is full'.", sqlite));

        var line = Write(LogLevel.Error, "Microsoft.Extensions.Hosting.Internal.Host", new EventId(11, "HostedServiceStartupFaulted"), "Hosting failed to start", full);

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(" fail: Microsoft.Extensions.Hosting.Internal.Host[11] Hosting failed to start: Couldn't commit ADO.NET transaction. SQLite Error 13: "
            + "'database or disk is full'." + Environment.NewLine, line);
    }

    [Fact]
    public void Write_SameFailureFromAnotherComponent_KeepsItsStack()
    {
        var line = Write(LogLevel.Error, "EmbeddedAiReport.Worker.Jobs.PollSourceJob", new EventId(2003), "Poll of a failed", ConnectionFailure());

        Assert.Contains("Quartz.JobPersistenceException", line);
        Assert.Contains(" at ", line);
    }

    [Theory]
    [InlineData(LogLevel.Error, false)]   // not the database's failure: Quartz's own bug, the stack is what tells it
    [InlineData(LogLevel.Debug, true)]    // asked for at Debug: the stack too
    public void Write_QuartzEntryOtherThanADatabaseFailureAtWarning_KeepsItsStack(LogLevel level, bool fromDatabase)
    {
        var line = Write(level, "Quartz.Core.QuartzSchedulerThread", new EventId(1080), "An error occurred while scanning for the next trigger to fire.",
            fromDatabase ? ConnectionFailure() : Thrown(() => throw new InvalidOperationException("trigger state unknown")));

        Assert.Contains(" at ", line);
    }

    // What the console logger writes for the entry, with the formatter the daemon's logging configuration names.
    private string Write(LogLevel level, string category, EventId eventId, string message, Exception exception)
    {
        var name = _services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName;
        var formatter = _services.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(level, category, eventId, message, exception, (state, _) => state), null, writer);
        return writer.ToString();
    }

    // As Quartz reports a server that refuses connections: its message holds its cause whole, stack trace included.
    private static Exception ConnectionFailure()
    {
        var npgsql = Thrown(() => throw new NpgsqlException("Failed to connect to 127.0.0.1:54330", new SocketException((int)SocketError.ConnectionRefused)));
        return Thrown(() => throw new JobPersistenceException($"Failed to obtain DB connection from data source 'default': {npgsql}", npgsql));
    }

    private static Exception Thrown(Action action) => Assert.ThrowsAny<Exception>(action);

    // The line's time with its offset (README, Logging:Format), then the simple format's level and the rest on one line.
    [GeneratedRegex(@"\A\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d warn: [^\n]*\n\z")]
    private static partial Regex OneLine();
}
