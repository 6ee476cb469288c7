using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>What the job store holds for some job groups: each job's schedule string, its cron's time zone and its triggers' fire times.</summary>
internal sealed class StoredSchedules
{
    private readonly Dictionary<(string Group, string Name), (string? Schedule, string? Zone, DateTimeOffset? Next, DateTimeOffset? Covered)> _jobs = [];

    public static StoredSchedules Empty { get; } = new();

    /// <summary>The latest time any stored trigger fired; ahead of the clock means the clock moved backwards.</summary>
    public DateTimeOffset? LatestPreviousFire { get; private set; }

    /// <summary>Reads every job of <paramref name="groups"/>; throws what the store throws when a row cannot be read.</summary>
    public static async Task<StoredSchedules> ReadAsync(IScheduler scheduler, IEnumerable<string> groups, CancellationToken cancellationToken)
    {
        var result = new StoredSchedules();
        foreach (var group in groups)
        {
            foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(group), cancellationToken))
            {
                var detail = await scheduler.GetJobDetail(key, cancellationToken)
                    ?? throw new InvalidOperationException($"job {key} is listed but cannot be read");
                // The job class is resolved only when a trigger fires; resolve it now so a damaged row is found at start.
                if (!typeof(IJob).IsAssignableFrom(detail.JobType.Type))
                    throw new InvalidOperationException($"job {key}: {detail.JobType.FullName} is not a job");
                DateTimeOffset? next = null, covered = null;
                string? zone = null;
                foreach (var trigger in await scheduler.GetTriggersOfJob(key, cancellationToken))
                {
                    // Only the job's regular trigger (named like the job) counts; a one-off catch-up trigger is not its schedule.
                    if (trigger.Key.Name == key.Name)
                    {
                        next = trigger.NextFireTimeUtc;
                        zone = (trigger as ICronTrigger)?.TimeZone.Id;
                        covered = trigger.PreviousFireTimeUtc is { } fired && fired > trigger.StartTimeUtc ? fired : trigger.StartTimeUtc;
                    }
                    if (trigger.PreviousFireTimeUtc is { } previous && (result.LatestPreviousFire is null || previous > result.LatestPreviousFire))
                        result.LatestPreviousFire = previous;
                }
                var schedule = next is not null && detail.JobDataMap.TryGetValue(SourceScheduler.ScheduleKey, out var value) ? value as string : null;
                result._jobs[(group, key.Name)] = (schedule, zone, next, covered);
            }
        }
        return result;
    }

    /// <summary>The schedule string of each job in <paramref name="group"/> that still has its regular trigger (null schedule otherwise).</summary>
    public IReadOnlyDictionary<string, string?> Schedules(string group) =>
        _jobs.Where(j => j.Key.Group == group).ToDictionary(j => j.Key.Name, j => j.Value.Schedule);

    /// <summary>
    /// True when the regular trigger of a job fires by <paramref name="schedule"/> in <paramref name="zone"/>: a cron stored in
    /// another zone (<c>Draft:TimeZone</c> changed since it was scheduled) fires at other hours than the setting says.
    /// </summary>
    public bool IsScheduled(string group, string name, string schedule, TimeZoneInfo zone) =>
        _jobs.TryGetValue((group, name), out var job) && job.Schedule == schedule && (job.Zone is null || job.Zone == zone.Id);

    /// <summary>
    /// Up to when the regular trigger of a job has done its work: its last firing, or when it was scheduled if it never
    /// fired. Quartz's misfire handling moves the next fire time past missed ones but leaves this, so it tells what was missed.
    /// </summary>
    public DateTimeOffset? Covered(string group, string name) => _jobs.TryGetValue((group, name), out var job) ? job.Covered : null;

    /// <summary>When the regular trigger of a job fires next, or null.</summary>
    public DateTimeOffset? NextFire(string group, string name) => _jobs.TryGetValue((group, name), out var job) ? job.Next : null;
}
