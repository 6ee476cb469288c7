using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>Advances a fake clock while a task runs, so waits on the clock (retry delays, Retry-After, break durations) end without sleeping.</summary>
/// <remarks>
/// Between steps it yields for at most a millisecond of real time so loopback I/O can progress; nothing asserts real time.
/// Tests that drive the clock must give requests a per-attempt timeout far longer than the clock they advance.
/// </remarks>
public static class ClockDriver
{
    /// <param name="hold">While true the clock stands still (e.g. while the product commits, which it times from the clock).</param>
    public static async Task<T> RunAsync<T>(FakeTimeProvider clock, Task<T> task, TimeSpan step, int maxSteps = 20_000, Func<bool>? hold = null)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            while (hold?.Invoke() == true && !task.IsCompleted) await Task.WhenAny(task, Task.Delay(1));
            clock.Advance(step);
            await Task.WhenAny(task, Task.Delay(1));
        }
        Assert.True(task.IsCompleted, $"the task did not finish within {maxSteps} clock steps of {step}");
        return await task;
    }
}
