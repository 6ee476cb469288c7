namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>validate</c>: check the config folder and report every problem at once.</summary>
internal static class ValidateCommand
{
    public static int Run(CliContext context)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        context.Out.WriteLine($"config OK: {config.Directory}: {config.Sources.Count} sources ({config.EnabledSources.Count} enabled)");
        return ExitCodes.Ok;
    }
}
