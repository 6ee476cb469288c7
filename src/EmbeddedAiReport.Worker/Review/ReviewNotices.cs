namespace EmbeddedAiReport.Worker.Review;

/// <summary>
/// The lines the daemon itself sent to the review page in a redirect's <c>?msg=</c> (an action's outcome without the script,
/// since-last without an issue): the page shows a <c>msg</c> only when it is one of them, so that a crafted link cannot show
/// its own text ("Published. Now log in at …") under the product's banner.
/// </summary>
/// <remarks>
/// A line is kept for <see cref="Lifetime"/> and at most <see cref="Capacity"/> lines are, in memory as the anti-forgery keys
/// are: after a restart, or later, the link shows the page without its line.
/// <threadsafety>Safe for concurrent use: one lock around the table.</threadsafety>
/// </remarks>
internal sealed class ReviewNotices(TimeProvider time)
{
    /// <summary>How long a line sent in a redirect may be shown.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>How many lines are kept; the oldest goes first.</summary>
    public const int Capacity = 256;

    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Keeps <paramref name="message"/> as sent by the daemon and returns it.</summary>
    public string Sent(string message)
    {
        lock (_lock)
        {
            if (_sent.ContainsKey(message)) _sent[message] = time.GetUtcNow();
            else
            {
                _sent[message] = time.GetUtcNow();
                _order.Enqueue(message);
                if (_order.Count > Capacity) _sent.Remove(_order.Dequeue());
            }
            return message;
        }
    }

    /// <summary><paramref name="message"/> when the daemon sent it within <see cref="Lifetime"/>, else null.</summary>
    public string? Shown(string? message)
    {
        if (string.IsNullOrEmpty(message)) return null;
        lock (_lock) return _sent.TryGetValue(message, out var at) && time.GetUtcNow() - at < Lifetime ? message : null;
    }
}
