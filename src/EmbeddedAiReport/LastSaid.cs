using System.Collections.Concurrent;

namespace EmbeddedAiReport;

/// <summary>
/// The value a repeated log line last said for each source (a pause's end, a count of pages left), so that the line is said
/// when the value changes and not at every poll while it stays. Kept per process: a restarted daemon says each once more.
/// </summary>
internal sealed class LastSaid<T>
{
    private readonly ConcurrentDictionary<string, T> _said = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="value"/> is not what was last said for <paramref name="key"/>; remembers it as said.</summary>
    public bool Changed(string key, T value)
    {
        var changed = !_said.TryGetValue(key, out var last) || !EqualityComparer<T>.Default.Equals(last, value);
        _said[key] = value;
        return changed;
    }

    /// <summary>Forgets what was said for <paramref name="key"/>: its next value is said whatever it is.</summary>
    public void Forget(string key) => _said.TryRemove(key, out _);
}
