using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>import-issue FILE...</c>: record past published issues so drafts never repeat their items.</summary>
internal static class ImportIssueCommand
{
    public static async Task<int> RunAsync(CliContext context, string[] files, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        var folders = files.Where(Directory.Exists).ToList();
        var missing = files.Where(f => !File.Exists(f)).Except(folders).ToList();
        if (files.Length == 0 || missing.Count > 0 || folders.Count > 0)
        {
            if (files.Length == 0) context.Error.WriteLine("import-issue: name at least one issue file");
            if (missing.Count > 0) context.Error.WriteLine($"import-issue: not found: {string.Join(", ", missing)}");
            if (folders.Count > 0) context.Error.WriteLine($"import-issue: a directory, not an issue file: {string.Join(", ", folders)}");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.BuildCommand(config, configure);
        var history = app.Services.GetRequiredService<IssueHistory>();
        var failed = 0;
        foreach (var file in files)
        {
            var result = await history.ImportAsync(await File.ReadAllTextAsync(file, cancellationToken), file, cancellationToken);
            if (result.Error is not null)
            {
                context.Error.WriteLine(result.Error);
                failed++;
                continue;
            }
            context.Out.WriteLine($"{file}: issue {result.Date:yyyy-MM-dd}: {Counted.Of(result.Items, "item", "items")}, {Counted.Of(result.NewKeys, "new key", "new keys")}, {Counted.Of(result.EntriesPublished, "stored entry", "stored entries")} marked published");
        }
        return failed > 0 ? ExitCodes.UsageOrConfig : ExitCodes.Ok;
    }
}
