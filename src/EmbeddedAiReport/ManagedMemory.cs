namespace EmbeddedAiReport;

/// <summary>The process's garbage-collected memory.</summary>
public static class ManagedMemory
{
    /// <summary>
    /// One full, blocking, compacting collection that also hands the freed memory back to the system (Aggressive): after a
    /// burst of work whose garbage would otherwise stay committed until the next full collection (the daemon's start-up, an
    /// idle daemon after its polls, <c>train</c> between its phases).
    /// </summary>
    public static void GiveBack() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
