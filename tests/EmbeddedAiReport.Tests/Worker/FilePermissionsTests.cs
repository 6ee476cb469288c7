using System.Runtime.Versioning;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// What a user without the right file modes meets (run as nobody when the tests run as root, who ignores modes): a folder the
/// database's -wal/-shm cannot be made in, -wal/-shm left read-only, an --out folder that cannot be written. Each is one line
/// naming the file the user gave and what to do, exit 2 (README, "Command line"), never SQLite's bare "readonly database"
/// nor the name of a hidden temporary file.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FilePermissionsTests : IDisposable
{
    private const UnixFileMode Everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode OwnerWritesFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode EveryoneWritesFolder = OwnerWritesFolder | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);   // a hang guard for the daemon's log lines, not a timing assertion

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // A config any user can read and a database poll made in `folder` (no sources: nothing fetched), its pool closed, so
    // that no -wal or -shm is left beside it: the next process makes them.
    private async Task<(string Config, string Db)> DatabaseInAsync(string folder)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var db = Path.Combine(Directory.CreateDirectory(_directory.File(folder)).FullName, "r.db");
        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        Assert.True(poll.ExitCode == 0, poll.Error);
        SqlitePools.Clear(db);
        Assert.Equal([db], Directory.GetFiles(Path.GetDirectoryName(db)!));
        return (config, db);
    }

    // A database any user may write in a folder any user may write, beside a lock file (this user's) of `lockMode`.
    private async Task<(string Config, string Db)> DatabaseWithALockFileAsync(UnixFileMode lockMode)
    {
        var (config, db) = await DatabaseInAsync("data");
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, EveryoneWritesFolder);
        File.SetUnixFileMode(db, Everyone);
        File.WriteAllBytes(db + ".lock", []);
        File.SetUnixFileMode(db + ".lock", lockMode);
        return (config, db);
    }

    [Fact]
    public async Task Entries_WritableDatabaseInAFolderNotWritable_OneLineNamingTheFileAndTheFolder_Exit2()
    {
        var (config, db) = await DatabaseInAsync("data");
        File.SetUnixFileMode(db, Everyone);
        var folder = Path.GetDirectoryName(db)!;
        File.SetUnixFileMode(folder, OwnerWritesFolder);   // the tests' user's: not the child's

        var result = await CliRunner.RunChildUnprivilegedAsync("entries", "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {db}: SQLite Error 8: 'attempt to write a readonly database'; its folder {folder} is not writable for this user (permission denied), "
            + "and SQLite makes the database's -wal and -shm files there: make the folder writable"], Lines(result.Error));
    }

    [Fact]
    public async Task ImportIssue_AfterAReadOnlyDatabaseWasRead_TheReadOnlyShmItLeftIsNamed_Exit2()
    {
        // The operator reads a database whose file is read-only (a copy, a restore): SQLite leaves its -wal and -shm with
        // the file's mode. Once the file is writable again, every writer fails on the read-only -shm, which SQLite never names.
        var (config, db) = await DatabaseInAsync("data");
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, EveryoneWritesFolder);
        File.SetUnixFileMode(db, ReadOnly);
        var read = await CliRunner.RunChildUnprivilegedAsync("entries", "--config", config, "--db", db);
        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal(ReadOnly, File.GetUnixFileMode(db + "-shm"));
        File.SetUnixFileMode(db, Everyone);

        var result = await CliRunner.RunChildUnprivilegedAsync("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"), "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {db}: SQLite Error 8: 'attempt to write a readonly database'; {db}-shm is not writable for this user (permission denied), "
            + "as SQLite leaves it after a process opened the database file while it was read-only: give it the database file's owner and mode"], Lines(result.Error));
    }

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("sources.json")]
    [InlineData("tags.json")]
    [InlineData("templates/draft.md.liquid")]
    [InlineData("templates/summary.liquid")]
    public async Task Validate_AConfigFileThisUserCannotRead_IsAProblemNamingTheFile_Exit2(string file)
    {
        // Design §3: validate reports every problem at once, each naming its file; this one stopped it with a stack trace, exit 1.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        if (file == "templates/summary.liquid") TempDirectory.TurnSummariesOn(config);
        var path = Path.Combine(config, file);
        File.SetUnixFileMode(path, UnixFileMode.None);

        var result = await CliRunner.RunChildUnprivilegedAsync("validate", "--config", config, "--db", _directory.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"{file}: cannot be read: Access to the path '{path}' is denied.", "1 config problem(s); nothing was done."], Lines(result.Error));
    }

    [Fact]
    public async Task Run_AConfigFileMadeUnreadable_IsARejectedReloadAndTheDaemonRunsOn()
    {
        // README, "Configuration": a changed file with problems is logged (event 4103) and its running version stays. This
        // one stopped the daemon (the config watcher's exception stops the host), with exit code 0.
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        var data = Directory.CreateDirectory(_directory.File("data")).FullName;
        File.SetUnixFileMode(data, EveryoneWritesFolder);
        Daemon.Prepare(config, json =>
        {
            json["Logging"]!["Format"] = "json";
            json["Report"]!["Database"] = Path.Combine(data, "r.db");
        });
        await using var daemon = WorkerProcess.Start("daemon", config, unprivileged: true);
        await daemon.WaitForAsync(events => events.Any(e => e.EventId == 4112), Patience);
        var tags = Path.Combine(config, "tags.json");
        var mode = File.GetUnixFileMode(tags);

        File.SetUnixFileMode(tags, UnixFileMode.None);
        await daemon.WaitForAsync(events => events.Any(e => e.EventId == 4103), Patience);
        File.SetUnixFileMode(tags, mode);
        await File.AppendAllTextAsync(tags, "\n");
        await daemon.WaitForAsync(events => events.Any(e => e.EventId == 4111), Patience);

        Assert.Equal($"The config folder changed but has 1 problem(s); the running configuration of those files stays: tags.json: cannot be read: Access to the path '{tags}' is denied.",
            daemon.Events.First(e => e.EventId == 4103).Message);
        Assert.Equal("Reloaded tags.json", daemon.Events.First(e => e.EventId == 4111).Message);
        Assert.False(daemon.HasExited);
    }

    [Fact]
    public async Task Run_ALockFileAnotherUserLeft_StillLocks_TheSecondDaemonIsRefused_Exit2()
    {
        // README: a second run on the same SQLite file stops with one line and exit 2. The lock file of a daemon root once
        // ran (mode 0644, as files are made) could not be opened to write, and each daemon ran unlocked: both ran.
        var (config, db) = await DatabaseWithALockFileAsync(ReadOnly);
        Daemon.Prepare(config, json =>
        {
            json["Logging"]!["Format"] = "json";
            json["Report"]!["Database"] = db;
        });
        await using var first = WorkerProcess.Start("first daemon", config, unprivileged: true);
        await first.WaitForAsync(events => events.Any(e => e.EventId == 4112), Patience);

        var second = await CliRunner.RunChildUnprivilegedAsync("run", "--config", config, "--db", db);

        Assert.Equal(2, second.ExitCode);
        Assert.Equal($"error: {db}: another daemon is running on this database (it holds {db}.lock); stop it first: two daemons on one SQLite "
            + "file would both poll every source and write the weekly draft (several daemons share a database only on PostgreSQL, Storage:Provider)",
            Lines(second.Error)[^1]);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task Run_ALockFileThisUserCannotRead_OneLineNamingIt_Exit2()
    {
        // Without the lock a second daemon would not be stopped: the daemon does not run unlocked.
        var (config, db) = await DatabaseWithALockFileAsync(UnixFileMode.UserRead | UnixFileMode.UserWrite);   // the tests' user's: not the child's
        Daemon.Prepare(config);

        var result = await CliRunner.RunChildUnprivilegedAsync("run", "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {db}: this user may not read the daemon's lock file {db}.lock (permission denied), so a second daemon on the database "
            + "would not be stopped: give the lock file the owner of the database (chown)", Lines(result.Error)[^1]);
    }

    [Theory]
    [InlineData("backup", "copy.db")]
    [InlineData("export", "draft.md")]
    [InlineData("backup", "new/copy.db")]
    public async Task Out_InAFolderNotWritable_OneLineNamingTheOutAndTheFolder_NotTheDatabaseNorATemporaryFile_Exit2(string command, string name)
    {
        var (config, db) = await DatabaseInAsync("data");
        File.SetUnixFileMode(Path.GetDirectoryName(db)!, EveryoneWritesFolder);
        File.SetUnixFileMode(db, Everyone);
        var folder = Directory.CreateDirectory(_directory.File("out")).FullName;
        File.SetUnixFileMode(folder, OwnerWritesFolder);
        var target = Path.Combine(folder, name);

        var result = await CliRunner.RunChildUnprivilegedAsync(command, "--out", target, "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {target}: cannot write in the folder {folder} (permission denied): choose a folder this user can write to, or make it writable"],
            Lines(result.Error));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }
}
