using System.Runtime.InteropServices;
namespace EmbeddedAiReport;
public static class Probe
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long[]> Ticks = new();
    [StructLayout(LayoutKind.Sequential)] private struct TimeSpec { public long Sec; public long Nsec; }
    [DllImport("libc", EntryPoint = "clock_gettime")] private static extern int ClockGetTime(int clock, out TimeSpec ts);
    private static long Cpu() { ClockGetTime(3, out var ts); return ts.Sec * 1_000_000_000 + ts.Nsec; }   // CLOCK_THREAD_CPUTIME_ID
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("EAIR_PROBE") is not null;
    public static long Start() => Enabled ? Cpu() : 0;
    public static void Stop(string name, long start)
    {
        if (!Enabled) return;
        var t = Ticks.GetOrAdd(name, _ => new long[2]);
        Interlocked.Add(ref t[0], Cpu() - start);
        Interlocked.Increment(ref t[1]);
    }
    public static void Count(string name, long n = 1)
    {
        var t = Ticks.GetOrAdd("#" + name, _ => new long[2]);
        Interlocked.Add(ref t[1], n);
    }
    public static void Dump()
    {
        if (Environment.GetEnvironmentVariable("EAIR_PROBE") is null) return;
        foreach (var (k, v) in Ticks.OrderBy(k => k.Key))
            Console.Error.WriteLine($"probe {k,-28} {v[0] / 1e6,9:F1} ms cpu {v[1],7} calls");
    }
}
