namespace EmbeddedAiReport.Worker.Cli;

/// <summary>What a command does with the SQLite database: it decides what <see cref="CliContext.LoadValidConfig"/> checks of the file.</summary>
internal enum DatabaseAccess
{
    /// <summary>Never opens it (<c>evaluate</c>, <c>train --no-database</c>): not checked.</summary>
    Unused,

    /// <summary>Only checks it (<c>validate</c>, <c>migrate</c>): a file there must be a SQLite database; no file is fine.</summary>
    Checked,

    /// <summary>Works on what is stored (<c>entries</c>, <c>export</c>, <c>mark</c> …): no file there is refused, never created empty.</summary>
    Existing,

    /// <summary>May start the database (<c>run</c>, <c>poll</c>, <c>import-issue</c>): a missing file and its folders are created.</summary>
    MayCreate,
}
