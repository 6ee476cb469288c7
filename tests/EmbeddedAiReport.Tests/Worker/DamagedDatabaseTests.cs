using System.Text;
using EmbeddedAiReport.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// The daemon's start on a damaged SQLite file: damage in the job store costs only the schedules (DowntimeTests); damage
/// anywhere else is the operator's to repair, so the daemon does not start on it.
/// </summary>
public sealed class DamagedDatabaseTests : LoopbackTest
{
    private static readonly DateTimeOffset Friday = new(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Start_OnAFileWhoseEntriesTableIsDamaged_RefusesWithOneLineAndLeavesTheJobStoreAlone()
    {
        Server.MapFile("a.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(FaultFeeds.Item("INT8 quantization on an NPU", "https://example.org/a/1", "INT8 quantization."))));
        var config = Folder.ConfigWithSources($$"""{"sources": [{"id": "a", "kind": "feed", "url": "{{Server.Url("a.xml")}}", "schedule": "1h", "allowPrivateNetwork": true}]}""");
        Daemon.Prepare(config);
        var database = Folder.File("report.db");
        await using (var first = Daemon.Start(config, database, new FakeTimeProvider(Friday)))
        {
            await first.WaitForAsync(2001, "a");
            await first.StopAsync();
        }
        SqlitePools.Clear(database);
        long root;
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_schema WHERE name = 'entries'";
            root = (long)command.ExecuteScalar()!;
        }
        // The page's header (its type and cell counts) overwritten, as a bad sector or a stray write would leave it.
        using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            file.Position = (root - 1) * 4096;
            file.Write(Enumerable.Repeat((byte)0xFF, 8).ToArray());
        }

        await using var second = Daemon.Start(config, database, new FakeTimeProvider(Friday.AddHours(2)));
        var result = await second.StopAsync();

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {database}: the database is damaged (quick_check: ", line);
        Assert.DoesNotContain(second.Logs.Lines, l => l.EventId == 4113);   // not blamed on the job store and "repaired" there
    }
}
