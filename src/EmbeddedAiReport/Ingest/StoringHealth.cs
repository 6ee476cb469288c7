namespace EmbeddedAiReport.Ingest;

/// <summary>
/// Whether polls can store what they read: the last failure of the database a poll met (<see cref="DatabaseFailureException"/>),
/// until a poll stores again. A database that answers reads but refuses writes (full, read-only, locked by another process)
/// otherwise looks healthy to <c>/healthz</c> while nothing is stored.
/// </summary>
/// <threadsafety>Thread-safe.</threadsafety>
public sealed class StoringHealth
{
    private Failure? _failure;

    /// <summary>A poll's database failure: when, the database's message (naming it), and whether it was another process's lock.</summary>
    public sealed record Failure(DateTimeOffset At, string Message, bool Locked = false);

    /// <summary>The last failure, or null when the last poll to reach the database stored (or none failed yet).</summary>
    public Failure? Current => Volatile.Read(ref _failure);

    public void Failed(DateTimeOffset at, string message, bool locked = false) => Volatile.Write(ref _failure, new Failure(at, message, locked));

    /// <summary>
    /// <paramref name="failure"/>, another process's lock, is over (the write lock is free): polls can store again, so it is
    /// no longer said; a newer failure recorded meanwhile stays.
    /// </summary>
    public void LockReleased(Failure failure) => Interlocked.CompareExchange(ref _failure, null, failure);

    internal void Stored() => Volatile.Write(ref _failure, null);
}
