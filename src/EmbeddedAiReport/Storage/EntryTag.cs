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

    /// <summary>The tags as stored in <c>entries.tags</c>: a JSON object of tag → weight (non-finite weights as 0).</summary>
    internal static string Json(IReadOnlyList<EntryTag> tags)
    {
        var json = new StringBuilder("{");
        foreach (var tag in tags)
        {
            if (json.Length > 1) json.Append(',');
            json.Append(EncodedNames.GetOrAdd(tag.Tag, static name => '"' + JsonEncodedText.Encode(name).Value + "\":"))
                .Append(double.IsFinite(tag.Weight) ? tag.Weight.ToString("R", CultureInfo.InvariantCulture) : "0");
        }
        return json.Append('}').ToString();
    }
}
