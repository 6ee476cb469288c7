namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>validate</c>: check the config folder and report every problem at once.</summary>
internal static class ValidateCommand
{
    public static int Run(CliContext context)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        // The daemon runs on with a fallback, but a check of the config folder must not call it OK.
        if (config.Warnings.Count > 0)
        {
            context.Error.WriteLine($"{config.Warnings.Count} config problem(s) the daemon works around (see the warnings above).");
            return ExitCodes.UsageOrConfig;
        }
        context.Out.WriteLine($"config OK: {config.Directory}: {config.Sources.Count} sources ({config.EnabledSources.Count} enabled)");
        return ExitCodes.Ok;
    }
}
