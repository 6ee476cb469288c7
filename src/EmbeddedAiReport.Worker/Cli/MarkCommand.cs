using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary><c>mark ID... [--status shortlisted|rejected|candidate] [--primary]</c>: the editor's decision on entries.</summary>
internal static class MarkCommand
{
    public static readonly string[] Statuses = ["shortlisted", "rejected", "candidate"];

    public static async Task<int> RunAsync(CliContext context, long[] ids, string? status, bool primary, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        if (context.LoadValidConfig() is not { } config) return ExitCodes.UsageOrConfig;
        if (ids.Length == 0)
        {
            context.Error.WriteLine("mark: name at least one entry id (see 'entries')");
            return ExitCodes.UsageOrConfig;
        }
        if (status is null && !primary)
        {
            context.Error.WriteLine("mark: give --status and/or --primary");
            return ExitCodes.UsageOrConfig;
        }
        await using var app = WorkerHost.BuildCommand(config, configure);
        var known = ids.ToList();
        if (status is not null)
        {
            var update = await app.Services.GetRequiredService<EntryStore>().SetStatusAsync(ids, status, cancellationToken);
            if (update.Unknown.Count > 0)
            {
                context.Error.WriteLine($"no entry with id {string.Join(", ", update.Unknown)}; nothing was marked");
                return ExitCodes.UsageOrConfig;
            }
            foreach (var id in update.Set) context.Out.WriteLine($"{id}: {status}");
            foreach (var id in update.Published) context.Out.WriteLine($"{id}: published in an issue; its status stays");
        }
        if (primary)
        {
            // The editor's choice of the item that represents its story; later dedup passes keep it.
            var stories = app.Services.GetRequiredService<StoryAssigner>();
            var pinned = new List<long>();
            foreach (var id in known)
                if (await stories.PinPrimaryAsync(id, cancellationToken)) pinned.Add(id);
            foreach (var id in pinned) context.Out.WriteLine($"{id}: primary of its story");
            foreach (var id in known.Except(pinned).Where(id => status is not null)) context.Error.WriteLine($"{id}: not in a story, nothing to pin");
            if (status is null) known = pinned;
        }
        var unknown = ids.Except(known).ToList();
        if (unknown.Count == 0) return ExitCodes.Ok;
        context.Error.WriteLine($"no entry{(primary && status is null ? " in a story" : "")} with id {string.Join(", ", unknown)}");
        return ExitCodes.UsageOrConfig;
    }
}
