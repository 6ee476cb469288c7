using System.Diagnostics;
using EmbeddedAiReport.Worker.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Runs the real command line in-process and captures its output.</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(Action<IServiceCollection>? configure, params string[] args) => RunAsync(configure, CancellationToken.None, args);

    /// <summary>Runs the CLI; cancelling <paramref name="cancellationToken"/> stops it as SIGTERM would (the daemon shuts down gracefully).</summary>
    public static async Task<CliResult> RunAsync(Action<IServiceCollection>? configure, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ReportCli.InvokeAsync(args, output, error, configure, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>
    /// Runs the built Worker as a child process, for what only a process of its own shows: which stream the console logger
    /// writes to, and the process's exit code.
    /// </summary>
    public static Task<CliResult> RunChildAsync(params string[] args) => RunProcessAsync([], args);

    /// <summary>
    /// <see cref="RunChildAsync"/> with <paramref name="environment"/> set in the child's environment: for a value this process
    /// cannot hold, such as an empty variable (.NET removes a variable set to "").
    /// </summary>
    public static Task<CliResult> RunChildAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => RunProcessAsync([], args, environment);

    /// <summary>
    /// <see cref="RunChildAsync"/> as a user without privileges, for what file modes refuse: run by root (who ignores them),
    /// the child runs as nobody (<c>setpriv</c>); else as this user. What it must write has to be writable by that user.
    /// </summary>
    public static Task<CliResult> RunChildUnprivilegedAsync(params string[] args) =>
        RunProcessAsync(Environment.IsPrivilegedProcess ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : [], args);

    private static async Task<CliResult> RunProcessAsync(string[] prefix, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var arg in prefix.Skip(1).Concat(prefix.Length > 0 ? ["dotnet"] : [])) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmbeddedAiReport.Worker.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Patience.Long);   // a hang guard only
        }
        catch (TimeoutException)
        {
            // A command that never ends (a daemon that should have refused to start) fails its test instead of hanging it.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not end; it printed:\n{await stdout}{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error);
