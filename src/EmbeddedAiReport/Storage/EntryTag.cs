using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EmbeddedAiReport.Storage;

/// <summary>A tag on an entry with the weight it contributed to the score.</summary>
public sealed record EntryTag(string Tag, double Weight)
{
    // Tag names come from the taxonomy, a few hundred at most: each is JSON-escaped once, not once per stored entry.
    private static readonly ConcurrentDictionary<string, string> EncodedNames = new(StringComparer.Ordinal);

    // Weights come from the taxonomy too (a tag's weight), so few distinct values: each formatted once ("R" is the
    // shortest round-trip form, slow to compute), up to a bound so that unusual weights cannot grow the cache.
    private static readonly ConcurrentDictionary<double, string> FormattedWeights = new();
    private const int MaxFormattedWeights = 4096;
    // Counted here: ConcurrentDictionary.Count takes every lock of the table, and with a full cache each miss would ask it.
    private static int s_formattedCount;

    [ThreadStatic] private static StringBuilder? t_json;

    /// <summary>The tags as stored in <c>entries.tags</c>: a JSON object of tag → weight (non-finite weights as 0).</summary>
    internal static string Json(IReadOnlyList<EntryTag> tags)
    {
        // One builder per thread, reused: this runs for every stored entry.
        var json = (t_json ??= new StringBuilder(512)).Clear().Append('{');
        foreach (var tag in tags)
        {
            if (json.Length > 1) json.Append(',');
            json.Append(EncodedNames.GetOrAdd(tag.Tag, static name => '"' + JsonEncodedText.Encode(name).Value + "\":"));
            if (double.IsFinite(tag.Weight)) json.Append(Format(tag.Weight));
            else json.Append('0');
        }
        return json.Append('}').ToString();
    }

    private static string Format(double weight)
    {
        // Zero is formatted each time: 0 and -0 are one key of the dictionary but print differently.
        if (weight != 0 && FormattedWeights.TryGetValue(weight, out var text)) return text;
        text = weight.ToString("R", CultureInfo.InvariantCulture);
        if (weight != 0 && Volatile.Read(ref s_formattedCount) < MaxFormattedWeights && FormattedWeights.TryAdd(weight, text))
            Interlocked.Increment(ref s_formattedCount);
        return text;
    }

    /// <summary>The tags stored by <see cref="Json"/> (null: none), heaviest first, then by name (ordinal).</summary>
    /// <exception cref="JsonException">The text is not a JSON object of numbers.</exception>
    internal static List<EntryTag> Parse(string? json)
    {
        var tags = new List<EntryTag>();
        if (string.IsNullOrEmpty(json)) return tags;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("entries.tags: expected a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number) throw new JsonException($"entries.tags: the weight of {name} is not a number");
            tags.Add(new EntryTag(name, reader.GetDouble()));
        }
        tags.Sort(static (a, b) => b.Weight.CompareTo(a.Weight) is var byWeight and not 0 ? byWeight : string.CompareOrdinal(a.Tag, b.Tag));
        return tags;
    }
}
