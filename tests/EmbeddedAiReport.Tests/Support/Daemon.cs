using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The daemon (<c>run</c>) in-process on a config folder and database, with captured logs and, optionally, a fake clock.</summary>
/// <remarks>Stopping it is what SIGTERM does: the CLI's token is cancelled and the host shuts down gracefully.</remarks>
public sealed class Daemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<CliResult> _run;

    private Daemon(string config, string database, TimeProvider? clock, Action<IServiceCollection>? configure)
    {
        _run = CliRunner.RunAsync(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            if (clock is not null) services.AddSingleton(clock);
            configure?.Invoke(services);
        }, _stop.Token, "run", "--config", config, "--db", database);
    }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Where the daemon's HTTP endpoints listen: the address it bound (waits for it to listen).</summary>
    public Uri BaseUri => _baseUri ??= Listen();

    private Uri? _baseUri;

    private Uri Listen()
    {
        var line = Logs.WaitForAsync(14, Listening);
        if (Task.WhenAny(line, _run).Wait(Patience.Long) && line.IsCompleted) return new Uri(ListeningAddress(line.Result) + "/");
        throw new InvalidOperationException($"the daemon listens nowhere; it logged:\n{Logs.Dump()}");
    }

    // Microsoft.Hosting.Lifetime's line (event 14) once Kestrel has bound Report:Urls.
    private const string Listening = "Now listening on: ";

    /// <summary>The address of a "Now listening on: …" line, as the daemon (in-process or a child) logs it.</summary>
    public static string ListeningAddress(string line) => line[(line.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim();

    /// <summary>The CLI's result, once the daemon has stopped (or failed to start).</summary>
    public Task<CliResult> Completion => _run;

    public static Daemon Start(string config, string database, TimeProvider? clock = null, Action<IServiceCollection>? configure = null) =>
        new(config, database, clock, configure);

    /// <summary>
    /// Points the config folder's appsettings.json at loopback port 0 and a drafts folder beside it; returns the drafts folder.
    /// </summary>
    /// <remarks>
    /// Port 0: the system gives the daemon a free port as it binds (<see cref="BaseUri"/> reads which). A port found free here
    /// and bound later, when the daemon starts, could be taken meanwhile by a socket of the tests running beside this one.
    /// </remarks>
    public static string Prepare(string config, Action<JsonObject>? settings = null)
    {
        var path = Path.Combine(config, "appsettings.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var drafts = Path.Combine(Path.GetDirectoryName(config)!, "drafts");
        json["Report"]!["Urls"] = "http://127.0.0.1:0";
        json["Report"]!["DraftsDirectory"] = drafts;
        settings?.Invoke(json);
        File.WriteAllText(path, json.ToJsonString());
        return drafts;
    }

    /// <summary>The first log line with <paramref name="eventId"/> containing <paramref name="text"/>; a hang guard fails with every line logged.</summary>
    public async Task<string> WaitForAsync(int eventId, string text = "", TimeSpan? patience = null, int skip = 0)
    {
        try
        {
            return await Logs.WaitForAsync(eventId, text, skip).WaitAsync(patience ?? Patience.Long);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no log line {eventId} containing '{text}'; the daemon logged:\n{Logs.Dump()}");
        }
    }

    /// <summary>
    /// <see cref="WaitForAsync"/> while <paramref name="clock"/> advances in 100 ms steps: for what waits on the injected clock
    /// after a real event, such as the config watcher letting a saved file settle.
    /// </summary>
    public Task<string> WaitForAsync(int eventId, string text, FakeTimeProvider clock, int skip = 0) =>
        ClockDriver.RunAsync(clock, WaitForAsync(eventId, text, skip: skip), TimeSpan.FromMilliseconds(100));

    /// <summary>Stops the daemon as SIGTERM would and returns the CLI's result; <paramref name="patience"/> only guards against a hang.</summary>
    public async Task<CliResult> StopAsync(TimeSpan? patience = null)
    {
        await _stop.CancelAsync();
        try
        {
            return await _run.WaitAsync(patience ?? Patience.Long);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the daemon did not stop; it logged:\n{Logs.Dump()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(Patience.Long).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        _stop.Dispose();
    }
}
