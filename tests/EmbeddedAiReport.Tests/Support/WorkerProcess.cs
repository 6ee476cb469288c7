using System.Diagnostics;
using System.Text.Json;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The daemon as a separate operating-system process (the built Worker), with its JSON log lines parsed as they come.</summary>
/// <remarks>For what only another process can show: several daemons on one database, and one of them killed with SIGKILL.</remarks>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<WorkerLogEvent> _events = [];
    private readonly List<string> _other = [];
    // Completed (and replaced) whenever a line arrives, so waits wake on output instead of polling.
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>
    /// Starts <c>run --config <paramref name="config"/></c>, with <paramref name="environment"/> added to this process's;
    /// the config must log as JSON (<c>Logging:Format json</c>).
    /// </summary>
    /// <param name="unprivileged">
    /// Run by root (who ignores file modes), the daemon runs as nobody, as <see cref="CliRunner.RunChildUnprivilegedAsync"/>
    /// runs a command: for what file modes refuse. What it must write has to be writable by that user.
    /// </param>
    public static WorkerProcess Start(string name, string config, IReadOnlyDictionary<string, string>? environment = null, bool unprivileged = false)
    {
        var asNobody = unprivileged && Environment.IsPrivilegedProcess;
        var info = new ProcessStartInfo(asNobody ? "setpriv" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(config)!,
        };
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>()) info.Environment[variable] = value;
        foreach (var argument in asNobody ? ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "dotnet"] : Array.Empty<string>())
            info.ArgumentList.Add(argument);
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "EmbeddedAiReport.Worker.dll"), "run", "--config", config })
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(name, process);
        process.OutputDataReceived += (_, line) => worker.Add(line.Data);
        process.ErrorDataReceived += (_, line) => worker.Add(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Every log event so far.</summary>
    public IReadOnlyList<WorkerLogEvent> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    /// <summary>Every line so far that is no JSON log event (the runtime's own messages, a line cut or run together).</summary>
    public IReadOnlyList<string> OtherLines
    {
        get { lock (_events) return [.. _other]; }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until <paramref name="condition"/> holds over the events; a hang guard fails with what the process printed.</summary>
    public Task WaitForAsync(Func<IReadOnlyList<WorkerLogEvent>, bool> condition, TimeSpan patience) =>
        WaitAsync(() => condition(Events), patience, $"{Name} never logged what the test waits for");

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking it as each line arrives; fails after <paramref name="patience"/>
    /// (a hang guard) with <paramref name="what"/> and what the process printed.
    /// </summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan patience, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Task arrived;
            lock (_events) arrived = _arrived.Task;
            if (condition()) return;
            var left = patience - deadline.Elapsed;
            if (left <= TimeSpan.Zero || _process.HasExited) throw new TimeoutException($"{what}; {Name} printed:\n{Dump()}");
            await Task.WhenAny(arrived, Task.Delay(left));
        }
    }

    /// <summary>A task that completes when the next line arrives.</summary>
    public Task NextLine
    {
        get { lock (_events) return _arrived.Task; }
    }

    /// <summary>Ends the process at once (SIGKILL): no shutdown, nothing flushed, as a crashed host.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Everything the process printed, for failure messages.</summary>
    public string Dump()
    {
        lock (_events) return string.Join("\n", _other.Concat(_events.Select(e => $"{e.EventId} {e.Message}")).TakeLast(400));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        WorkerLogEvent? parsed = null;
        if (line.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var state = new Dictionary<string, string>(StringComparer.Ordinal);
                if (root.TryGetProperty("State", out var values) && values.ValueKind == JsonValueKind.Object)
                    foreach (var property in values.EnumerateObject()) state[property.Name] = property.Value.ToString();
                parsed = new WorkerLogEvent(root.GetProperty("EventId").GetInt32(), root.GetProperty("Category").GetString() ?? "",
                    root.GetProperty("Message").GetString() ?? "", state, root.TryGetProperty("LogLevel", out var level) ? level.GetString() ?? "" : "");
            }
            catch (JsonException)
            {
            }
        }
        TaskCompletionSource arrived;
        lock (_events)
        {
            if (parsed is not null) _events.Add(parsed);
            else _other.Add(line);
            arrived = _arrived;
            _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        arrived.TrySetResult();
    }
}

/// <summary>One JSON log line of a <see cref="WorkerProcess"/>: its event id, category, message, named values and level (<c>Warning</c> …).</summary>
public sealed record WorkerLogEvent(int EventId, string Category, string Message, IReadOnlyDictionary<string, string> State, string Level = "")
{
    public string? this[string name] => State.GetValueOrDefault(name);
}
