using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>The command line (design.md §8): <c>run</c> (default), <c>poll</c>, <c>export</c>, <c>sources</c>, <c>validate</c>.</summary>
internal static class ReportCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code. Tests call this in-process.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, Action<IServiceCollection>? configure = null,
        CancellationToken cancellationToken = default)
    {
        var configOption = new Option<string>("--config") { Description = "Config folder", Recursive = true, DefaultValueFactory = _ => Env("CONFIG") ?? "config" };
        var dbOption = new Option<string?>("--db") { Description = "SQLite file (default: Report:Database, data/report.db); unused with Storage:Provider postgres", Recursive = true, DefaultValueFactory = _ => Env("DB") };

        var root = new RootCommand("EmbeddedAiReport: polls sources and drafts the Embedded AI Report (嵌入式AI简报).");
        root.Options.Add(configOption);
        root.Options.Add(dbOption);

        var noDatabaseOption = new Option<bool>("--no-database") { Description = "Learn from the files only: no labels from the database, no rescoring" };
        CliContext? context = null;   // the command's, once made: it knows which database the config names
        CliContext Context(ParseResult p) => context = new(p.GetValue(configOption)!, p.GetValue(dbOption), output, error, Access(p.CommandResult.Command, root, p.GetValue(noDatabaseOption)));

        var run = new Command("run", "Run the daemon: scheduled polls, weekly export, HTTP endpoints (default command).");
        run.SetAction((p, ct) => RunCommand.RunAsync(Context(p), configure, ct));
        root.SetAction((p, ct) => RunCommand.RunAsync(Context(p), configure, ct));

        var sourceOption = new Option<string[]>("--source") { Description = "Source id to poll (repeatable)", AllowMultipleArgumentsPerToken = false };
        var allOption = new Option<bool>("--all") { Description = "Poll every enabled source (the same as no option; not with --source)" };
        var poll = new Command("poll", "Poll sources once now and exit; prints new/updated/unchanged/error per source.") { sourceOption, allOption };
        poll.SetAction((p, ct) => WithSignals(ct, token => PollCommand.RunAsync(Context(p), p.GetValue(sourceOption) ?? [], p.GetValue(allOption), configure, token)));

        var exportWindow = new WindowOptions();
        var outOption = new Option<string?>("--out") { Description = "Write to this file (atomically) instead of stdout" };
        var formatOption = new Option<string>("--format") { Description = "markdown or json", DefaultValueFactory = _ => "markdown" };
        formatOption.OneOf("markdown", "json");
        var summariesOption = new Option<bool>("--summaries") { Description = "First ask the model for missing Chinese 摘要, within Summaries:ExportBudget" };
        var export = new Command("export", "Write a draft issue for a week, a date range or everything since the last issue (default: the current week).") { outOption, formatOption, summariesOption };
        exportWindow.AddTo(export);
        export.SetAction((p, ct) => WithSignals(ct, token => ExportCommand.RunAsync(Context(p), exportWindow.Read(p), p.GetValue(outOption), p.GetValue(formatOption)!, configure, token,
            p.GetValue(summariesOption))));

        var publishWindow = new WindowOptions();
        var dateOption = new Option<string?>("--date") { Description = "The issue date, yyyy-MM-dd (default: today); the window ends there" };
        var publish = new Command("publish", "Record a window's draft as a published issue, dated today (or --date), so later drafts skip its items.") { dateOption };
        publishWindow.AddTo(publish);
        publish.SetAction((p, ct) => WithSignals(ct, token => PublishCommand.RunAsync(Context(p), publishWindow.Read(p), p.GetValue(dateOption), configure, token)));

        var filesArgument = new Argument<string[]>("FILE") { Description = "Issue markdown files (the newsletter format)", Arity = ArgumentArity.OneOrMore };
        var importIssue = new Command("import-issue", "Record past published issues so drafts never repeat their items.") { filesArgument };
        importIssue.SetAction((p, ct) => WithSignals(ct, token => ImportIssueCommand.RunAsync(Context(p), p.GetValue(filesArgument) ?? [], configure, token)));

        var entriesWindow = new WindowOptions();
        var tagOption = new Option<string?>("--tag") { Description = "Only entries with this tag" };
        var sectionOption = new Option<string?>("--section") { Description = "Only this section (slug or name)" };
        var statusOption = new Option<string?>("--status") { Description = "candidate, shortlisted, rejected or published" };
        statusOption.OneOf(EmbeddedAiReport.Storage.EntryQuery.Statuses);
        var limitOption = new Option<int>("--limit") { Description = "Most rows shown (0: all)", DefaultValueFactory = _ => 200 }.Whole();
        var explainOption = new Option<bool>("--explain") { Description = "Show each entry's URL, how its score was made and whether it is in the draft or why not" };
        var everyDateOption = new Option<bool>("--all") { Description = "Every stored entry, whatever its date (default: the current week)" };
        var entries = new Command("entries", "List stored entries of a window (default: the current week) with scores, best first.")
            { tagOption, sectionOption, statusOption, limitOption, explainOption, everyDateOption };
        entriesWindow.AddTo(entries);
        entries.SetAction((p, ct) => WithSignals(ct, token => EntriesCommand.RunAsync(Context(p),
            new EntriesCommand.Arguments(entriesWindow.Read(p), p.GetValue(tagOption), p.GetValue(sectionOption), p.GetValue(statusOption), p.GetValue(limitOption),
                p.GetValue(explainOption), p.GetValue(everyDateOption)),
            configure, token)));

        var idsArgument = new Argument<long[]>("ID") { Description = "Entry ids (see 'entries')", Arity = ArgumentArity.OneOrMore }.Whole();
        var markStatus = new Option<string?>("--status") { Description = "shortlisted, rejected or candidate" };
        markStatus.OneOf(MarkCommand.Statuses);
        var markPrimary = new Option<bool>("--primary") { Description = "Make the entry the item that represents its story in the draft" };
        var mark = new Command("mark", "Set the editorial status of entries (shortlisted: always in the draft, rejected: never) or pin a story's primary.")
            { idsArgument, markStatus, markPrimary };
        mark.SetAction((p, ct) => WithSignals(ct, token => MarkCommand.RunAsync(Context(p), p.GetValue(idsArgument) ?? [], p.GetValue(markStatus), p.GetValue(markPrimary), configure, token)));

        var sources = new Command("sources", "Show each source's health: last success, last error, failures, entries.");
        sources.SetAction((p, ct) => SourcesCommand.RunAsync(Context(p), configure, ct));
        SourcesOpmlCommand.AddTo(sources, Context);

        var backupOut = new Option<string>("--out") { Description = "File to write the copy to (replaced atomically)", Required = true };
        var backup = new Command("backup", "Copy the database consistently (SQLite online backup), also while the daemon runs.") { backupOut };
        backup.SetAction((p, ct) => WithSignals(ct, token => BackupCommand.RunAsync(Context(p), p.GetValue(backupOut)!, configure, token)));

        var validate = new Command("validate", "Check the config folder; print every problem and exit 2 if there are any.");
        validate.SetAction((p, ct) => ValidateCommand.RunAsync(Context(p), ct));

        var corpusOption = new Option<string>("--corpus") { Description = "Folder of past issues (YYYY-MM-DD.md)", Required = true };
        var trainCorpusOption = new Option<string?>("--corpus") { Description = "Folder of past issues (default: <config>/training/corpus)" };
        var trainNegativesOption = new Option<string[]>("--negatives") { Description = "JSON-lines file of unpicked items (repeatable; default: <config>/training/*.jsonl)" };
        var trainOffTopicOption = new Option<string?>("--offtopic") { Description = "JSON list of [title, summary] off-topic posts (default: <config>/training/offtopic-posts.json)" };
        var modelOutOption = new Option<string?>("--out") { Description = "Folder to write router.json and ranker.json to (default: the config folder)" };
        var train = new Command("train", "Learn the section router and the relevance model from past issues, unpicked items and the editor's labels; rescore stored entries.")
            { trainCorpusOption, trainNegativesOption, trainOffTopicOption, noDatabaseOption, modelOutOption };
        train.SetAction((p, ct) => WithSignals(ct, token => TrainCommand.RunAsync(Context(p), new TrainCommand.Arguments(p.GetValue(trainCorpusOption),
            p.GetValue(trainNegativesOption) ?? [], p.GetValue(trainOffTopicOption), p.GetValue(noDatabaseOption), p.GetValue(modelOutOption)), configure, token)));
        var offTopicOption = new Option<string?>("--offtopic") { Description = "JSON list of [title, summary] off-topic posts" };
        // No default value: help would print its stand-in for "one per issue" ([default: 2147483647]).
        var foldsOption = new Option<int?>("--folds") { Description = "Cross-validation folds, 2 or more (default: one per issue)" }.Whole();
        var floodOption = new Option<string[]>("--flood") { Description = "JSON-lines file of real unpicked items (repeatable): the ranking is measured among them" };
        var perWindowOption = new Option<int>("--per-window") { Description = "Items of each flood file in each issue's window", DefaultValueFactory = _ => 25 }.Whole();
        var negativesOption = new Option<string[]>("--negatives") { Description = "JSON-lines file of unpicked items used only for training (repeatable)" };
        var heldOutOption = new Option<string[]>("--heldout") { Description = "JSON-lines file of unpicked items used only in the windows, never for training (repeatable)" };
        var evaluate = new Command("evaluate", "Leave-issues-out evaluation: section accuracy, tag coverage, relevance, ranking under a flood.")
            { corpusOption, offTopicOption, foldsOption, floodOption, perWindowOption, negativesOption, heldOutOption };
        evaluate.SetAction(p => EvaluateCommand.Run(Context(p), new EvaluateCommand.Arguments(p.GetValue(corpusOption)!, p.GetValue(offTopicOption), p.GetValue(foldsOption) ?? int.MaxValue,
            p.GetValue(floodOption) ?? [], p.GetValue(perWindowOption), p.GetValue(negativesOption) ?? [], p.GetValue(heldOutOption) ?? [])));

        root.Subcommands.Add(run);
        root.Subcommands.Add(poll);
        root.Subcommands.Add(export);
        root.Subcommands.Add(publish);
        root.Subcommands.Add(importIssue);
        root.Subcommands.Add(IssueCommand.Create(Context, configure));
        root.Subcommands.Add(entries);
        root.Subcommands.Add(mark);
        root.Subcommands.Add(EditCommand.Create(Context, configure));
        root.Subcommands.Add(MoveCommand.Create(Context, configure));
        root.Subcommands.Add(SummarizeCommand.Create(Context, configure));
        root.Subcommands.Add(sources);
        root.Subcommands.Add(backup);
        root.Subcommands.Add(MigrateCommand.Create(Context, configure));
        root.Subcommands.Add(validate);
        root.Subcommands.Add(train);
        root.Subcommands.Add(RescoreCommand.Create(Context, configure));
        root.Subcommands.Add(evaluate);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors) error.WriteLine(problem.Message);
            error.WriteLine("Run with --help for usage.");
            return ExitCodes.UsageOrConfig;
        }
        // The daemon's host handles SIGINT/SIGTERM itself (graceful shutdown); one-shot commands use WithSignals.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal)
        {
            // A file or database the system refuses (a folder where a file goes, no permission, a damaged database, a full
            // disk): what the operator fixes is in the message, so one line and exit 2, not a stack trace and the exit 1 of
            // failed sources. SQLite's own messages do not name the file: the line names it once, as poll's does.
            error.WriteLine($"error: {(refusal is SqliteException && context?.DatabaseLocation is { } file ? new DatabaseFailureException(file, refusal, context.BusyTimeout).Message : refusal.Message)}");
            return ExitCodes.UsageOrConfig;
        }
        catch (Exception ex) when (context?.DatabaseLocation is { } location && ServerFailure(ex) is { } failure)
        {
            // The PostgreSQL server refused or failed the command (unreachable, login refused, no such database, no rights on
            // the schema, shut down mid-command): the operator's to fix, named as poll names it, one line and exit 2.
            error.WriteLine($"error: {new DatabaseFailureException(location, failure).Message}");
            return ExitCodes.UsageOrConfig;
        }
        catch (DraftTemplateException ex)
        {
            // A template that renders the sample drafts but fails on this one (its own branch for a draft like it): the
            // config's problem, named as validate names one (templates/draft.md.liquid: rendering failed: …).
            error.WriteLine(ex.Message);
            return ExitCodes.UsageOrConfig;
        }
        catch (Exception ex)
        {
            // Anything else is a bug: as System.CommandLine's own handler reports it, with the stack trace, exit 1.
            if (ex is not OperationCanceledException) error.WriteLine($"Unhandled exception: {ex}");
            return 1;
        }
    }

    /// <summary>What <paramref name="command"/> does with the database (see <see cref="DatabaseAccess"/>): the one list of it.</summary>
    /// <remarks>
    /// Only <c>run</c>, <c>poll</c> and <c>import-issue</c> (past issues, before the first poll) start a database. The other
    /// writers need what is stored: entries (<c>mark</c>, <c>edit</c>, <c>move</c>, <c>summarize</c>, <c>publish</c>) or
    /// labels (<c>train</c>, whose models would silently lose the editor's labels on a new, empty database).
    /// </remarks>
    private static DatabaseAccess Access(Command command, RootCommand root, bool noDatabase) => command == root ? DatabaseAccess.MayCreate : command.Name switch
    {
        "run" or "poll" or "import-issue" => DatabaseAccess.MayCreate,
        "train" => noDatabase ? DatabaseAccess.Unused : DatabaseAccess.Existing,
        "evaluate" or "import-opml" or "export-opml" => DatabaseAccess.Unused,
        "validate" or "migrate" => DatabaseAccess.Checked,
        _ => DatabaseAccess.Existing,
    };

    /// <summary>The file or database error <paramref name="ex"/> is, or that Quartz wrapped in it; null for anything else.</summary>
    /// <remarks>
    /// The daemon's job store opens the SQLite file through Quartz, which reports what SQLite threw (a full disk, a read-only
    /// file) as a <see cref="Quartz.SchedulerException"/> whose inner exception is the cause: the start fails on that cause.
    /// </remarks>
    private static Exception? Refusal(Exception ex)
    {
        for (Exception? cause = ex; cause is not null; cause = cause is Quartz.SchedulerException ? cause.InnerException : null)
            if (cause is IOException or UnauthorizedAccessException or SqliteException or NewerDatabaseException) return cause;
        return null;
    }

    /// <summary>The PostgreSQL failure <paramref name="ex"/> is, or that Quartz wrapped in it (see <see cref="Refusal"/>); null for anything else.</summary>
    private static Npgsql.NpgsqlException? ServerFailure(Exception ex)
    {
        for (Exception? cause = ex; cause is not null; cause = cause is Quartz.SchedulerException ? cause.InnerException : null)
            if (cause is Npgsql.NpgsqlException failure) return failure;
        return null;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable("EAIR_" + name) is { Length: > 0 } value ? value : null;

    /// <summary>Runs a one-shot command with Ctrl-C and SIGTERM cancelling it.</summary>
    internal static async Task<int> WithSignals(CancellationToken cancellationToken, Func<CancellationToken, Task<int>> action)
    {
        using var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            source.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            return await action(source.Token);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            return 130;
        }
    }
}
