using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Collects log lines and lets a test await the first one that matches, instead of sleeping.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _lines = new();
    private readonly ConcurrentBag<(Func<int, string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];

    public IReadOnlyCollection<(int EventId, string Message)> Lines => _lines;

    /// <summary>The lines logged as warnings or worse, with their category and exception, e.g. to check that a healthy run has none.</summary>
    public IReadOnlyCollection<(string Category, LogLevel Level, string Message, Exception? Exception)> Warnings => _warnings;

    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> _warnings = new();

    private readonly ConcurrentQueue<(int EventId, Exception Exception)> _exceptions = new();

    /// <summary>The exceptions logged with lines (what a console logger prints as a stack trace), with their lines' event ids.</summary>
    public IReadOnlyCollection<(int EventId, Exception Exception)> Exceptions => _exceptions;

    /// <summary>
    /// Completes when a line with <paramref name="eventId"/> whose message contains <paramref name="text"/> is logged
    /// (the first such line after <paramref name="skip"/> earlier ones).
    /// </summary>
    public Task<string> WaitForAsync(int eventId, string text = "", int skip = 0)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        bool Match(int id, string message) => id == eventId && message.Contains(text, StringComparison.Ordinal) && Interlocked.Increment(ref seen) > skip;
        lock (_waiters)
        {
            foreach (var (id, message) in _lines)
                if (Match(id, message)) signal.TrySetResult(message);
            _waiters.Add((Match, signal));
        }
        return signal.Task;
    }

    /// <summary>Every line so far, one per line with its event id, for a failure message.</summary>
    public string Dump() => string.Join("\n", _lines.Select(l => $"{l.EventId} {l.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(int eventId, string message)
    {
        lock (_waiters)
        {
            _lines.Enqueue((eventId, message));
            foreach (var (match, signal) in _waiters)
                if (!signal.Task.IsCompleted && match(eventId, message)) signal.TrySetResult(message);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Warning) owner._warnings.Enqueue((category, logLevel, message, exception));
            if (exception is not null) owner._exceptions.Enqueue((eventId.Id, exception));
            owner.Add(eventId.Id, message);
        }
    }
}
