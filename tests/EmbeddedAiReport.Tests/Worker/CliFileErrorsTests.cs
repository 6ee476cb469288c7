using System.Text.Json.Nodes;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// What a new user's mistakes give: a Report:Urls without a scheme, an --out or --db that is a folder, a file that is not a
/// database, a mistyped --db. Each is one line naming the option and exit 2 (usage or config), never a stack trace or the
/// exit 1 that scripts read as "some sources failed"; commands that only read never create a database.
/// </summary>
public sealed class CliFileErrorsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Config(Action<JsonObject>? settings = null)
    {
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        if (settings is not null) TempDirectory.EditSettings(config, settings);
        return config;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task Command_UrlsWithoutScheme_OneLineNamingTheKeyAndExit2(string command)
    {
        var config = Config(json => json["Report"]!["Urls"] = "127.0.0.1:5180");

        var result = await CliRunner.RunAsync(command, "--config", config, "--db", _directory.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("appsettings.json: Report:Urls: '127.0.0.1:5180' has no scheme; write http://127.0.0.1:5180 (several URLs are separated by ';')",
            Lines(result.Error)[0]);
        Assert.DoesNotContain("Exception", result.Error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5180;http://localhost:5181", null)]
    [InlineData("http://127.0.0.1:5180;https://localhost:5181", "appsettings.json: Report:Urls: https://localhost:5181 needs a certificate: set "
        + "Kestrel:Certificates:Default:Path and :KeyPath (PEM files) in appsettings.json (or EAIR_Kestrel__Certificates__Default__Path and __KeyPath), "
        + "or listen on http behind a TLS proxy that sends X-Forwarded-Proto")]
    [InlineData("http://127.0.0.1:5180;ftp://127.0.0.1:21", "appsettings.json: Report:Urls: 'ftp://127.0.0.1:21': the scheme must be http or https, as in http://127.0.0.1:5180 (several URLs are separated by ';')")]
    [InlineData(" ; ", "appsettings.json: Report:Urls: must not be empty; write a URL such as http://127.0.0.1:5180 (several URLs are separated by ';')")]
    public async Task Validate_SeveralUrls_EachIsChecked(string urls, string? expected)
    {
        var config = Config(json => json["Report"]!["Urls"] = urls);

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.Equal(expected is null ? 0 : 2, result.ExitCode);
        if (expected is not null) Assert.Equal(expected, Lines(result.Error)[0]);
    }

    // run would stop with Kestrel's FileNotFoundException (a stack trace); validate and run name the setting and the file.
    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public async Task HttpsCertificateFileMissing_OneLineNamingTheSettingAndTheFile_Exit2(string command)
    {
        var missing = _directory.File("tls/missing.pem");
        var config = Config(json =>
        {
            json["Report"]!["Urls"] = "https://127.0.0.1:0";
            json["Kestrel"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Certificates"] = new System.Text.Json.Nodes.JsonObject { ["Default"] = new System.Text.Json.Nodes.JsonObject { ["Path"] = missing, ["KeyPath"] = missing } },
            };
        });

        var result = await CliRunner.RunAsync(command, "--config", config, "--db", _directory.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"Kestrel:Certificates:Default:Path: '{missing}' does not exist (from {Directory.GetCurrentDirectory()}): the daemon cannot serve https://127.0.0.1:0 without it",
            Lines(result.Error)[0].Replace("appsettings.json: ", "", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception", result.Error);
    }

    // The certificate's settings are ASP.NET Core's Kestrel section, which the daemon reads: no "read by nothing" warning.
    [Fact]
    public async Task Validate_HttpsWithItsCertificateFiles_IsOk()
    {
        var certificate = _directory.File("cert.pem");
        var key = _directory.File("key.pem");
        File.WriteAllText(certificate, "");
        File.WriteAllText(key, "");
        var config = Config(json =>
        {
            json["Report"]!["Urls"] = "https://127.0.0.1:0";
            json["Kestrel"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Certificates"] = new System.Text.Json.Nodes.JsonObject { ["Default"] = new System.Text.Json.Nodes.JsonObject { ["Path"] = certificate, ["KeyPath"] = key } },
            };
        });

        var result = await CliRunner.RunAsync("validate", "--config", config);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
    }

    // A database poll made (with no sources: nothing fetched).
    private async Task<(string Config, string Db)> PolledAsync()
    {
        var config = Config();
        var db = _directory.File("r.db");
        var poll = await CliRunner.RunAsync("poll", "--config", config, "--db", db);
        Assert.True(poll.ExitCode == 0, poll.Error);
        return (config, db);
    }

    [Fact]
    public async Task Export_OutIsADirectory_OneLineAndExit2()
    {
        var (config, db) = await PolledAsync();
        var folder = Directory.CreateDirectory(_directory.File("drafts")).FullName;

        var result = await CliRunner.RunAsync("export", "--config", config, "--db", db, "--out", folder);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {folder}: is a directory"], Lines(result.Error));
    }

    [Fact]
    public async Task Export_OutBelowAFile_OneLineAndExit2()
    {
        var (config, db) = await PolledAsync();
        var file = _directory.File("afile");
        File.WriteAllText(file, "not a folder");
        var target = Path.Combine(file, "x", "draft.md");

        var result = await CliRunner.RunAsync("export", "--config", config, "--db", db, "--out", target);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {target}: {file} is a file, not a directory"], Lines(result.Error));
    }

    [Fact]
    public async Task Backup_OutIsADirectory_OneLineAndExit2()
    {
        var (config, db) = await PolledAsync();
        var folder = Directory.CreateDirectory(_directory.File("backups")).FullName;

        var result = await CliRunner.RunAsync("backup", "--config", config, "--db", db, "--out", folder);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {folder}: is a directory"], Lines(result.Error));
    }

    [Theory]
    [InlineData("backup", "", "the database itself")]
    [InlineData("backup", "-wal", "the database's -wal file")]
    [InlineData("backup", "-shm", "the database's -shm file")]
    [InlineData("export", "", "the database itself")]
    [InlineData("issue", "", "the database itself")]
    public async Task Out_IsTheDatabaseOrAFileSqliteKeepsBesideIt_OneLineAndExit2_TheRunningDaemonKeepsItsDatabase(string command, string suffix, string what)
    {
        // "Bad input gets a clear error and loses nothing"; README: backup is safe while the daemon runs. A backup "to" the
        // database replaced it (exit 0, "backed up r.db to r.db"): the running daemon answered 503, "the database file was
        // replaced", until restarted. An export or issue there replaced the database with the markdown: every entry gone.
        var config = Config();
        Daemon.Prepare(config);
        var db = _directory.File("r.db");
        await using var daemon = Daemon.Start(config, db);
        await daemon.WaitForAsync(4112);
        using var http = new HttpClient { BaseAddress = daemon.BaseUri };
        if (command == "issue") Assert.Equal(0, (await CliRunner.RunAsync("import-issue", Fixtures.PathOf("corpus/2020-05-15.md"), "--config", config, "--db", db)).ExitCode);

        var result = await CliRunner.RunAsync([command, .. command == "issue" ? ["2020-05-15"] : Array.Empty<string>(), "--config", config, "--db", db, "--out", db + suffix]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {db}{suffix}: is {what}: writing there would replace it; choose another file"], Lines(result.Error));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("hard link")]
    [InlineData("path through a linked folder")]
    public async Task Backup_OutIsTheDatabaseByAnotherName_OneLineAndExit2_TheDatabaseStays(string how)
    {
        // "Bad input gets a clear error and loses nothing": the full paths differ, the file is the same one (its inode), and
        // a backup there replaced the database with a copy of itself through the link.
        var (config, db) = await PolledAsync();
        var before = await File.ReadAllBytesAsync(db);
        var other = _directory.File("other");
        var target = how switch
        {
            "symlink" => File.CreateSymbolicLink(_directory.File("link.db"), db).FullName,
            "hard link" => HardLink(db, _directory.File("hard.db")),
            _ => Path.Combine(Directory.CreateSymbolicLink(other, Path.GetDirectoryName(db)!).FullName, Path.GetFileName(db)),
        };

        var result = await CliRunner.RunAsync("backup", "--config", config, "--db", db, "--out", target);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {target}: is the database itself: writing there would replace it; choose another file"], Lines(result.Error));
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
    }

    [Fact]
    public async Task Backup_OutIsTheDatabasesWalThroughALinkedFolder_BeforeSqliteMadeIt_OneLineAndExit2()
    {
        // The -wal is there only while the database is open: a path to it through a linked folder has no file to compare by
        // inode yet, and a backup wrote its copy there, where the next open of the database reads the write-ahead log.
        var (config, db) = await PolledAsync();
        SqlitePools.Clear(db);   // the last connection closed checkpoints the log and removes the -wal
        Assert.False(File.Exists(db + "-wal"));
        var target = Path.Combine(Directory.CreateSymbolicLink(_directory.File("other"), Path.GetDirectoryName(db)!).FullName, Path.GetFileName(db) + "-wal");

        var result = await CliRunner.RunAsync("backup", "--config", config, "--db", db, "--out", target);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--out {target}: is the database's -wal file: writing there would replace it; choose another file"], Lines(result.Error));
        Assert.False(File.Exists(db + "-wal"));
    }

    private static string HardLink(string existing, string link)
    {
        var ln = System.Diagnostics.Process.Start("ln", [existing, link])!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        return link;
    }

    [Fact]
    public async Task ImportIssue_AFolderForTheFile_SaysItIsAFolder_Exit2()
    {
        var config = Config();
        var folder = Directory.CreateDirectory(_directory.File("issues")).FullName;

        var result = await CliRunner.RunAsync("import-issue", folder, "--config", config, "--db", _directory.File("r.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"import-issue: a directory, not an issue file: {folder}"], Lines(result.Error));
    }

    [Theory]
    [InlineData("entries")]
    [InlineData("run")]
    [InlineData("poll")]
    [InlineData("validate")]
    public async Task Command_DbIsADirectory_OneLineAndExit2(string command)
    {
        var config = Config();
        var folder = Directory.CreateDirectory(_directory.File("data")).FullName;

        var result = await CliRunner.RunAsync(command, "--config", config, "--db", folder);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--db {folder}: is a directory, not a SQLite file"], Lines(result.Error));
    }

    [Theory]
    [InlineData("entries")]
    [InlineData("run")]
    [InlineData("poll")]
    [InlineData("validate")]
    public async Task Command_DbIsNotADatabase_OneLineAndExit2(string command)
    {
        var config = Config();
        var notDb = _directory.File("notdb.txt");
        File.WriteAllText(notDb, new string('x', 4096));

        var result = await CliRunner.RunAsync(command, "--config", config, "--db", notDb);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--db {notDb}: not a SQLite database"], Lines(result.Error));
    }

    [Theory]
    [InlineData("entries")]
    [InlineData("export")]
    [InlineData("poll")]
    [InlineData("sources")]
    public async Task Command_DatabaseFromANewerVersion_OneLineAndExit2(string command)
    {
        // A newer version upgraded the file (a migration this build lacks); an older binary put back must not use it.
        var (config, db) = await PolledAsync();
        using (var connection = DatabaseProbe.Open(db, readOnly: false))
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO schema_migrations (version, applied) VALUES ('9999_from_the_future', '2030-01-01T00:00:00.000Z')";
            insert.ExecuteNonQuery();
        }

        var result = await CliRunner.RunAsync(command, "--config", config, "--db", db);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {Path.GetFullPath(db)}: the database was upgraded by a newer version of EmbeddedAiReport (migration 9999_from_the_future is unknown to this one); run that version or restore a backup made before the upgrade"],
            Lines(result.Error));
        Assert.Equal("", result.Out);   // no table header (sources printed its header, then failed) or half a result
    }

    [Fact]
    public async Task Entries_DamagedDatabase_OneLineFromSqliteAndExit2()
    {
        // The header is right, so only SQLite can tell: the top-level handler gives its message, without a stack trace.
        var config = Config();
        var damaged = _directory.File("damaged.db");
        File.WriteAllBytes(damaged, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)0xAB, 8192)]);

        var result = await CliRunner.RunAsync("entries", "--config", config, "--db", damaged);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.Error));
        Assert.StartsWith($"error: {damaged}: SQLite Error ", line);   // SQLite's message does not name the file: the line does, once
    }

    [Theory]
    [InlineData("entries")]
    [InlineData("sources")]
    [InlineData("export")]
    [InlineData("backup", "--out", "copy.db")]
    [InlineData("mark", "1", "--status", "rejected")]
    [InlineData("edit", "1", "--title", "T")]
    [InlineData("move", "1", "--position", "1")]
    [InlineData("publish")]
    [InlineData("train")]
    public async Task ReadingCommand_MistypedDb_RefusedAndNothingCreated(string command, params string[] rest)
    {
        var config = Config();
        var missing = Path.Combine(_directory.File("nope"), "dir", "x.db");

        var result = await CliRunner.RunAsync([command, .. rest, "--config", config, "--db", missing]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"--db {missing}: no database there (poll or run creates one)"], Lines(result.Error));
        Assert.False(Directory.Exists(_directory.File("nope")), "the mistyped folder was created");
    }

    [Theory]
    [InlineData("poll")]
    [InlineData("import-issue")]
    public async Task WritingCommand_NewDb_IsCreatedWithItsFolders(string command)
    {
        var config = Config();
        var fresh = Path.Combine(_directory.File("new"), "dir", "x.db");
        string[] args = command == "poll" ? ["poll"] : ["import-issue", Fixtures.PathOf("corpus/2020-05-15.md")];

        var result = await CliRunner.RunAsync([.. args, "--config", config, "--db", fresh]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(fresh));
    }
}
