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
            // The "R" format appended in place, without a string per weight.
            if (double.IsFinite(tag.Weight)) json.Append(CultureInfo.InvariantCulture, $"{tag.Weight:R}");
            else json.Append('0');
        }
        return json.Append('}').ToString();
    }
}
