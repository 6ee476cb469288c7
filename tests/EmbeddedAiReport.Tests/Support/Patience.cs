namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// How long a test waits for what happens on its own (a server's request, a poll's end, a checkpoint, a browser's page): a
/// hang guard, never a timing assertion. Generous, since the machine may run several builds and suites at once: at a load
/// of ~54 a publish on the review page outlasted the 60 s the browser tests waited.
/// </summary>
public static class Patience
{
    /// <summary>The wait before a test gives up on something that never came.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    /// <summary><see cref="Long"/> as Playwright's timeouts take it.</summary>
    public static float Milliseconds => (float)Long.TotalMilliseconds;

    /// <summary>Waits for <paramref name="task"/>; after <see cref="Long"/> fails naming <paramref name="what"/> was awaited.</summary>
    public static async Task WaitPatientlyAsync(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Long);
        }
        catch (TimeoutException ex)
        {
            throw Hung(what, ex);
        }
    }

    /// <inheritdoc cref="WaitPatientlyAsync(Task, string)"/>
    public static async Task<T> WaitPatientlyAsync<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Long);
        }
        catch (TimeoutException ex)
        {
            throw Hung(what, ex);
        }
    }

    private static TimeoutException Hung(string what, TimeoutException ex) =>
        new($"waited {Long.TotalSeconds:0} s for {what}, which never came (a hang guard, not a timing assertion)", ex);
}
