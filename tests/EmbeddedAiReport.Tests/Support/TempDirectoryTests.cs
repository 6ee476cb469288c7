using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// The folder nearly every test writes its database into: disposing it closes the pooled connections of its own databases
/// (deleted ones, and files opened as one that are none, too) and leaves those of the other tests running beside it alone.
/// </summary>
public sealed class TempDirectoryTests
{
    [Fact]
    public async Task Dispose_ClosesThePooledConnectionsOfItsDatabasesOnly_AndDeletesTheFolder()
    {
        using var beside = new TempDirectory();   // another test's folder, its database in use meanwhile
        await using var running = new ReportDatabase(beside.File("report.db"));
        await running.MigrateAsync(CancellationToken.None);
        var folder = new TempDirectory();
        foreach (var name in new[] { "report.db", "copies/other.db", "deleted.db" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.File(name))!);
            await using var database = new ReportDatabase(folder.File(name));   // disposing it leaves its connections pooled
            await database.MigrateAsync(CancellationToken.None);
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(folder.File("deleted.db" + suffix));   // a test deleted it
        File.WriteAllText(folder.File("not-a-database.db"), new string('x', 4096));   // no SQLite header: found by its name only
        await using (var database = new ReportDatabase(folder.File("not-a-database.db")))
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => database.OpenAsync(CancellationToken.None));
        var held = OpenFilesUnder(folder.Path);
        Assert.Contains(folder.File("report.db"), held);
        Assert.Contains(folder.File("copies/other.db"), held);
        Assert.Contains(folder.File("deleted.db") + " (deleted)", held);
        Assert.Contains(folder.File("not-a-database.db"), held);   // the failed open's connection went back to the pool

        folder.Dispose();

        Assert.False(Directory.Exists(folder.Path));
        Assert.Empty(OpenFilesUnder(folder.Path));   // none held open, deleted, until the pool prunes idle connections (minutes)
        Assert.Contains(beside.File("report.db"), OpenFilesUnder(beside.Path));   // the other test's pooled connection is still open
    }

    // What this process's file descriptors point to under folder (Linux: /proc/self/fd; " (deleted)" after a deleted file).
    private static List<string> OpenFilesUnder(string folder)
    {
        var files = new List<string>();
        foreach (var descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith(folder + "/", StringComparison.Ordinal)) files.Add(target);
            }
            catch (IOException)
            {
                // closed since it was listed
            }
        }
        return files;
    }
}
