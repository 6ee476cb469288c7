using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>mark ID... --status shortlisted|rejected|candidate</c>: the editor's decision on entries.</summary>
internal static class MarkCommand
{
    public static readonly string[] Statuses = ["shortlisted", "rejected", "candidate"];

    public static async Task<int> RunAsync(CliContext context, long[] ids, string status, Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (ids.Length == 0)
        {
            context.Error.WriteLine("mark: name at least one entry id (see 'entries')");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.Build(config, daemon: false, configure);
        var done = await app.Services.GetRequiredService<EntryStore>().SetStatusAsync(ids, status, cancellationToken);
        foreach (var id in done) context.Out.WriteLine($"{id}: {status}");
        var unknown = ids.Except(done).ToList();
        if (unknown.Count == 0) return ExitCodes.Ok;
        context.Error.WriteLine($"no entry with id {string.Join(", ", unknown)}");
        return ExitCodes.UsageOrConfig;
    }
}
