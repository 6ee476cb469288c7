using System.Runtime.InteropServices;
namespace EmbeddedAiReport;
public static class Prof
{
    public static readonly long[] T = new long[16];
    public static readonly string[] N = ["startFetch","batchOpen","findNew","begin","sameText","linked","similar","join","insert","signature","finishFetch","finish","commit","flush1","x","y"];
    [StructLayout(LayoutKind.Sequential)] private struct Ts { public long Sec; public long Nsec; }
    [DllImport("libc", EntryPoint = "clock_gettime")] private static extern int ClockGetTime(int clock, out Ts ts);
    public static long Now() { ClockGetTime(3, out var ts); return ts.Sec * 1_000_000_000 + ts.Nsec; }
    public static void Add(int i, long start) { var d = Now() - start; if (d > 0) Interlocked.Add(ref T[i], d); }
    public static string Dump() => string.Join(" ", N.Select((n, i) => $"{n}={T[i] / 1e6:0}ms"));
}
