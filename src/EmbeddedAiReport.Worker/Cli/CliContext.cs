namespace EmbeddedAiReport.Worker.Cli;

/// <summary>What every command gets: the global options and the output writers.</summary>
internal sealed record CliContext(string ConfigDirectory, string? Database, TextWriter Out, TextWriter Error)
{
    /// <summary>Loads the config; prints every problem and returns null when there are any.</summary>
    /// <param name="printWarnings">False for the daemon, which logs them (its log may be JSON lines).</param>
    /// <param name="skip">Reloadable parts the command never uses: not read nor checked (<see cref="LoadedConfig.Load"/>).</param>
    public LoadedConfig? LoadValidConfig(bool printWarnings = true, IReadOnlySet<Type>? skip = null)
    {
        var config = WorkerHost.LoadConfig(ConfigDirectory, Database, skip);
        if (printWarnings)
            foreach (var warning in config.Warnings) Error.WriteLine($"warning: {warning}");
        if (config.Problems.Count == 0) return config;
        foreach (var problem in config.Problems) Error.WriteLine(problem);
        Error.WriteLine($"{config.Problems.Count} config problem(s); nothing was done.");
        return null;
    }
}
