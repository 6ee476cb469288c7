using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace EmbeddedAiReport.Worker.Logging;

/// <summary>
/// The <c>simple</c> console format (<c>Logging:Format</c>), with Quartz's database failures in one line: the exception's
/// messages, not its stack (also the host's line when the daemon's start fails on one).
/// </summary>
/// <remarks>
/// While PostgreSQL is down, Quartz's job store logs a warning or an error per failed pass (README, Connections), each
/// with an Npgsql exception whose stack trace, written on the line, ran to thousands of characters about Quartz's and
/// Npgsql's internals; the daemon's own database failures (4203) are one line. Only entries of Quartz's categories whose
/// exception comes from the database are shortened, and only at Information and above: at Debug, and for every other
/// component, the exception is written whole, as the simple format writes it. Everything else is the simple format's.
/// </remarks>
internal sealed class OneLineConsoleFormatter(IServiceProvider services) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "eair-simple";

    // The built-in simple formatter (internal to Microsoft.Extensions.Logging.Console), found among the registered ones at
    // the first entry: the console provider made them all before it writes anything.
    private ConsoleFormatter? _simple;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        _simple ??= services.GetServices<ConsoleFormatter>().First(f => f.Name == ConsoleFormatterNames.Simple);
        if (logEntry.Exception is not { } exception || logEntry.LogLevel < LogLevel.Information || !Shortened(logEntry.Category) || !FromDatabase(exception))
        {
            _simple.Write(logEntry, scopeProvider, textWriter);
            return;
        }
        var formatter = logEntry.Formatter;
        var shortened = new LogEntry<TState>(logEntry.LogLevel, logEntry.Category, logEntry.EventId, logEntry.State, null,
            (state, _) => $"{Own(formatter(state, null), exception)}: {Messages(exception)}");
        _simple.Write(shortened, scopeProvider, textWriter);
    }

    // Quartz's, and the host's "Hosting failed to start" when Quartz's start met the database (a full disk as the schedules
    // are written): `run` says that in its one line `error: …` on stderr, after this entry, which carried the whole stack.
    private static bool Shortened(string category) =>
        category == "Quartz" || category.StartsWith("Quartz.", StringComparison.Ordinal) || category == "Microsoft.Extensions.Hosting.Internal.Host";

    private static bool FromDatabase(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is DbException) return true;
        return false;
    }

    // Quartz's own text, without the exception's message where the text ends with it: its cluster manager and job store
    // write "Error managing cluster: " + the message (3514, 3029, 3607), which held the cause's stack trace and came again
    // after it from Messages.
    private static string Own(string text, Exception exception)
    {
        var message = exception.Message;
        return message.Length > 0 && text.Length > message.Length && text.EndsWith(message, StringComparison.Ordinal)
            ? text[..^message.Length].TrimEnd(' ', ':')
            : text;
    }

    // Each exception's message once, outermost first, and only its first line: Quartz puts its cause whole (stack trace
    // included) into its own message ("Failed to obtain DB connection from data source 'default': Npgsql.NpgsqlException …").
    private static string Messages(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            var message = e.Message.ReplaceLineEndings("\n").Split('\n')[0].Trim();
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.Ordinal))) parts.Add(message);
        }
        return string.Join(" ---> ", parts);
    }
}
