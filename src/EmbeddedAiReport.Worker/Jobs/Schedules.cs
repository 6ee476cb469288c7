using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources;
using Quartz;

namespace EmbeddedAiReport.Worker.Jobs;

/// <summary>The scheduling rules: the trigger of a source, when a source is overdue, and what counts as a changed source.</summary>
internal static class Schedules
{
    /// <summary>The regular trigger of <paramref name="source"/>.</summary>
    /// <remarks>
    /// An interval starts one interval after the last success when that is still ahead, else one interval from now
    /// (an overdue source is caught up separately, once). Missed ticks are skipped, never replayed: Quartz's misfire
    /// instructions say so, and <see cref="IsOverdue"/> (at start) or <see cref="Dropped"/> (while running) decides the one catch-up poll.
    /// </remarks>
    public static ITrigger SourceTrigger(SourceDefinition source, DateTimeOffset? lastSuccess, DateTimeOffset now, TimeZoneInfo zone, string group)
    {
        var trigger = TriggerBuilder.Create().WithIdentity(source.Id, group).ForJob(source.Id, group);
        if (Duration.TryParse(source.Schedule) is { } interval)
        {
            var next = lastSuccess is { } last && last + interval > now && last + interval <= now + interval ? last + interval : now + interval;
            return trigger.StartAt(next)
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build();
        }
        return trigger.StartAt(now)
            .WithCronSchedule(source.Schedule, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .Build();
    }

    /// <summary>True when a scheduled time of <paramref name="schedule"/> passed since <paramref name="lastSuccess"/> (or there never was one).</summary>
    public static bool IsOverdue(string schedule, DateTimeOffset? lastSuccess, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (lastSuccess is not { } last) return true;
        if (Duration.TryParse(schedule) is { } interval) return last + interval <= now;
        return new CronExpression(schedule, zone).GetNextValidTimeAfter(last) is { } due && due <= now;
    }

    /// <summary>
    /// The latest time <paramref name="trigger"/> was due after <paramref name="done"/> (its previous firing or a poll that did
    /// its work; null: since it was scheduled) and at or before <paramref name="before"/>, or null when there is none.
    /// </summary>
    /// <remarks>
    /// Quartz's misfire handling moves a trigger held up past its threshold to its next time and leaves its previous firing, so
    /// a time due between the two is one it dropped; one still waiting (its next time at or before <paramref name="before"/>)
    /// is dropped as well: Quartz no longer takes it.
    /// </remarks>
    public static DateTimeOffset? Dropped(ITrigger trigger, DateTimeOffset? done, DateTimeOffset before)
    {
        DateTimeOffset? last = null;
        for (var next = trigger.GetFireTimeAfter(done ?? trigger.StartTimeUtc.AddSeconds(-1)); next is { } due && due <= before; next = trigger.GetFireTimeAfter(due))
            last = due;
        return last;
    }

    /// <summary>True when <paramref name="schedule"/> is a cron with no time after <paramref name="now"/> (its year field has passed).</summary>
    public static bool NeverFires(string schedule, DateTimeOffset now, TimeZoneInfo zone) =>
        Duration.TryParse(schedule) is null && new CronExpression(schedule, zone).GetNextValidTimeAfter(now) is null;

    /// <summary>The latest time of <paramref name="cron"/> after <paramref name="after"/> and at or before <paramref name="now"/>, or null.</summary>
    public static DateTimeOffset? LastDue(string cron, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset now)
    {
        var expression = new CronExpression(cron, zone);
        DateTimeOffset? last = null;
        for (var next = expression.GetNextValidTimeAfter(after); next is { } due && due <= now; next = expression.GetNextValidTimeAfter(due)) last = due;
        return last;
    }

    /// <summary>
    /// The first firing of <paramref name="schedule"/> at or after <paramref name="from"/>, given its next one
    /// <paramref name="next"/> (an interval's firings are <paramref name="next"/> plus whole intervals); null when a cron has none.
    /// </summary>
    /// <remarks>A paused source's next poll: the firings due before its pause ends are skipped (<c>SourcePoller.PollIfDueAsync</c>).</remarks>
    public static DateTimeOffset? FirstFiringFrom(string schedule, DateTimeOffset next, DateTimeOffset from, TimeZoneInfo zone)
    {
        if (next >= from) return next;
        if (Duration.TryParse(schedule) is { } interval)
            return next + TimeSpan.FromTicks(((from - next).Ticks + interval.Ticks - 1) / interval.Ticks * interval.Ticks);
        // A cron's times are whole seconds and the next one after a time is at least a second later: start a second early.
        var expression = new CronExpression(schedule, zone);
        var firing = expression.GetNextValidTimeAfter(from - TimeSpan.FromSeconds(1));
        while (firing is { } at && at < from) firing = expression.GetNextValidTimeAfter(at);
        return firing;
    }

    /// <summary>Job data of a firing put off to a later turn at its host's gate: the trigger and due time of the firing it stands for.</summary>
    public const string PutOffTriggerKey = "putOffTrigger", PutOffDueKey = "putOffDue";

    /// <summary>
    /// The firing as scheduled: a recovered firing (its daemon died during the poll) stands for the one it replaces, and a
    /// firing put off to a later turn at its host's gate for the one put off.
    /// </summary>
    public static (string Trigger, DateTimeOffset? Due) Original(IJobExecutionContext context)
    {
        var data = context.MergedJobDataMap;
        var (trigger, due) = context is { Recovering: true, RecoveringTriggerKey: { } original }
            && data.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var value) && Time(value) is { } scheduled
            ? (original.Name, scheduled)
            : (context.Trigger.Key.Name, context.ScheduledFireTimeUtc);
        if (data.TryGetValue(PutOffTriggerKey, out var putOff) && putOff is string putOffTrigger
            && data.TryGetValue(PutOffDueKey, out var putOffDue) && Time(putOffDue) is { } putOffAt)
            return (putOffTrigger, putOffAt);
        return (trigger, due);
    }

    private static DateTimeOffset? Time(object? value) =>
        value is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>A fingerprint of everything sources.json says about <paramref name="source"/>.</summary>
    public static string Fingerprint(SourceDefinition source) => Hash(source, JsonContracts.Plain);

    /// <summary>
    /// The fingerprints older builds stored for <paramref name="source"/> as it is written now (newest first): the same
    /// source, unedited, when it leaves the fields added since at their defaults. Without them, the first start of a
    /// newer build took every source for edited (its pause after failures lifted, its validators dropped).
    /// </summary>
    public static IReadOnlyList<string> EarlierFingerprints(SourceDefinition source) =>
        EarlierContracts.Select(options => Hash(source, options)).ToList();

    // The fields SourceDefinition gained since fingerprints were first stored (builds of 2026-12-01), oldest first, each
    // group the build that added it. A field added to SourceDefinition goes here as a group of its own, or every
    // source's fingerprint changes with the upgrade.
    private static readonly string[][] AddedSinceFirstFingerprints =
    [
        ["Headers", "HeadersEnv"],   // 2026-12-04: per-source request headers
    ];

    // One contract per earlier build: without the fields added since, when at their defaults (null or empty).
    private static readonly JsonSerializerOptions[] EarlierContracts = Enumerable.Range(0, AddedSinceFirstFingerprints.Length).Reverse()
        .Select(build => Without(AddedSinceFirstFingerprints[build..].SelectMany(group => group).ToHashSet(StringComparer.Ordinal)))
        .ToArray();

    private static JsonSerializerOptions Without(IReadOnlySet<string> added) =>
        new JsonSerializerOptions().With(JsonContracts.Plain.TypeInfoResolver!.WithAddedModifier(contract =>
        {
            if (contract.Type != typeof(SourceDefinition)) return;
            foreach (var property in contract.Properties.Where(p => added.Contains(p.Name)))
                property.ShouldSerialize = (_, value) => value is not (null or System.Collections.ICollection { Count: 0 });
        }));

    private static string Hash(SourceDefinition source, JsonSerializerOptions options) =>
        TextDigest.Sha256Hex(JsonSerializer.Serialize(source, options.For<SourceDefinition>()), 16);
}
