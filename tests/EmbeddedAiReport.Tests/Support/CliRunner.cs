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
}

public sealed record CliResult(int ExitCode, string Out, string Error);
