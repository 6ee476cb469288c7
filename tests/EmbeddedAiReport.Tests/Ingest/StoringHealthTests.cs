using EmbeddedAiReport.Ingest;

namespace EmbeddedAiReport.Tests.Ingest;

/// <summary>What <c>/healthz</c> is told of the polls' database failures (README: "polls are not stored").</summary>
public sealed class StoringHealthTests
{
    private static readonly DateTimeOffset At = new(2020, 11, 20, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LockReleased_ANewerFailureRecordedMeanwhile_Stays_TheLockItselfGoes()
    {
        // /healthz read the lock failure, then asked for the write lock: a poll that failed otherwise in between (a full
        // disk) is still said, only the lock that is over goes (mutation audit 15: clearing whatever was current survived).
        var storing = new StoringHealth();
        storing.Failed(At, "report.db: the database is locked by another process (waited 30 s; Storage:BusyTimeout)", locked: true);
        var held = storing.Current!;
        storing.Failed(At.AddMinutes(1), "report.db: SQLite Error 13: 'database or disk is full'");

        storing.LockReleased(held);
        var full = storing.Current;
        storing.Failed(At.AddMinutes(2), "report.db: the database is locked by another process (waited 30 s; Storage:BusyTimeout)", locked: true);
        storing.LockReleased(storing.Current!);

        Assert.Equal(new StoringHealth.Failure(At.AddMinutes(1), "report.db: SQLite Error 13: 'database or disk is full'"), full);
        Assert.Null(storing.Current);
    }
}
