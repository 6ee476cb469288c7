using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Tagging;

/// <summary>The tags and scoring settings of config/tags.json, validated and compiled into a <see cref="TagMatcher"/>.</summary>
/// <remarks>
/// File shape: <c>{"scoring": {…}, "tags": [{"tag", "weight", "en", "enExact", "zh", "negative", "patterns"}, …]}</c>, JSON with
/// <c>//</c> comments. Parsing collects every problem, each naming the file, the tag and the field.
/// </remarks>
public sealed class Taxonomy
{
    private static readonly HashSet<string> TagFields = new(StringComparer.Ordinal) { "tag", "weight", "en", "enExact", "zh", "negative", "patterns", "comment" };
    private static readonly HashSet<string> ScoringFields = new(StringComparer.Ordinal) { "linkWeight", "recencyWeight", "recencyDays", "maxTagScore", "comment" };

    public Taxonomy(IReadOnlyList<TagDefinition> tags, ScoringOptions scoring)
    {
        Tags = tags;
        Scoring = scoring;
        Matcher = new TagMatcher(tags);
    }

    /// <summary>No tags, default scoring: every entry scores its source weight (plus links and recency).</summary>
    public static Taxonomy Empty { get; } = new([], new ScoringOptions());

    public IReadOnlyList<TagDefinition> Tags { get; }

    public ScoringOptions Scoring { get; }

    /// <summary>The compiled matcher of <see cref="Tags"/>.</summary>
    public TagMatcher Matcher { get; }

    /// <summary>Parses <paramref name="json"/>; returns the taxonomy, or null and every problem found.</summary>
    public static (Taxonomy? Taxonomy, IReadOnlyList<string> Problems) Parse(string json, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return (null, [$"{fileName}: not valid JSON: {JsonSyntaxError.Describe(ex, json)}"]);
        }
        var problems = new List<string>();
        var tags = new List<TagDefinition>();
        var scoring = new ScoringOptions();
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tags", out var list) || list.ValueKind != JsonValueKind.Array)
                return (null, [$"{fileName}: expected an object {{\"tags\": [ … ]}}"]);
            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("tags" or "scoring" or "comment")))
                problems.Add($"{fileName}: unknown top-level key '{property.Name}'");
            if (root.TryGetProperty("scoring", out var scoringElement))
                scoring = ReadScoring(scoringElement, $"{fileName}: scoring", problems);

            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                index++;
                if (ReadTag(element, fileName, index, problems) is not { } tag) continue;
                if (!names.Add(tag.Name)) problems.Add($"{fileName}: tag '{tag.Name}': tag: defined twice");
                tags.Add(tag);
            }
        }
        return problems.Count == 0 ? (new Taxonomy(tags, scoring), problems) : (null, problems);
    }

    private static TagDefinition? ReadTag(JsonElement element, string fileName, int index, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{fileName}: tag #{index}: expected an object");
            return null;
        }
        var name = element.TryGetProperty("tag", out var nameValue) && nameValue.ValueKind == JsonValueKind.String ? nameValue.GetString() : null;
        if (string.IsNullOrWhiteSpace(name) || !Regex.IsMatch(name, "^[a-z0-9][a-z0-9.+-]*$"))
        {
            problems.Add($"{fileName}: tag #{index}: tag: required, lower-case letters, digits, '.', '+' or '-' (got {(name is null ? "nothing" : $"'{name}'")})");
            return null;
        }
        var where = $"{fileName}: tag '{name}'";
        var count = problems.Count;
        foreach (var property in element.EnumerateObject().Where(p => !TagFields.Contains(p.Name)))
            UnknownField(element, property.Name, where, problems);

        double weight = 1;
        if (element.TryGetProperty("weight", out var weightValue))
        {
            if (weightValue.ValueKind != JsonValueKind.Number || !weightValue.TryGetDouble(out weight) || !double.IsFinite(weight))
                problems.Add($"{where}: weight: expected a number");
        }
        var english = Strings(element, "en", where, problems);
        var exact = Strings(element, "enExact", where, problems);
        // Listed under en too, the term would match in any case there: the case written here would change nothing.
        foreach (var term in exact.Where(e => english.Contains(e, StringComparer.OrdinalIgnoreCase)))
            problems.Add($"{where}: enExact: '{term}' is also in en, which matches it in any case");
        var chinese = Strings(element, "zh", where, problems);
        var negative = Strings(element, "negative", where, problems);
        var patterns = Strings(element, "patterns", where, problems);
        if (english.Count + exact.Count + chinese.Count + patterns.Count == 0)
            problems.Add($"{where}: en/enExact/zh/patterns: a tag needs at least one term or pattern");
        CheckPatterns(patterns, "patterns", where, problems);
        return problems.Count == count ? new TagDefinition(name, weight, english, exact, chinese, negative, patterns) : null;
    }

    private static readonly string[] ListFields = ["en", "enExact", "zh", "negative", "patterns"];

    // A misspelt field ("pattern") names the one meant, as sources.json's do, and its value is checked as that field's: a bad
    // regular expression in it is reported now, not once the name is mended (sources.json reports every problem of a source).
    private static void UnknownField(JsonElement element, string field, string where, List<string> problems)
    {
        var close = CloseNames.Among(field, TagFields);
        problems.Add($"{where}: {field}: unknown field{CloseNames.Meant(close)} "
            + $"(known: {string.Join(", ", TagFields.Order())})");
        if (close.Count == 0 || !ListFields.Contains(close[0])) return;
        var values = Strings(element, field, where, problems);
        if (close[0] == "patterns") CheckPatterns(values, field, where, problems);
    }

    private static void CheckPatterns(IReadOnlyList<string> patterns, string field, string where, List<string> problems)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            try
            {
                _ = new Regex(patterns[i], TagMatcher.PatternOptions);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{where}: {field}[{i}]: not a valid regular expression '{patterns[i]}': {ex.Message}");
            }
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement element, string field, string where, List<string> problems)
    {
        if (!element.TryGetProperty(field, out var value)) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString())))
        {
            problems.Add($"{where}: {field}: expected a list of non-empty strings");
            return [];
        }
        return value.EnumerateArray().Select(v => v.GetString()!.Trim()).ToList();
    }

    private static ScoringOptions ReadScoring(JsonElement element, string where, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: expected an object");
            return new ScoringOptions();
        }
        foreach (var property in element.EnumerateObject().Where(p => !ScoringFields.Contains(p.Name)))
            problems.Add($"{where}: {property.Name}: unknown field (known: {string.Join(", ", ScoringFields.Order())})");
        var defaults = new ScoringOptions();
        double Number(string field, double fallback, bool positive)
        {
            if (!element.TryGetProperty(field, out var value)) return fallback;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) && number >= 0 && (!positive || number > 0))
                return number;
            problems.Add($"{where}: {field}: expected a {(positive ? "positive" : "non-negative")} number");
            return fallback;
        }
        return new ScoringOptions
        {
            LinkWeight = Number("linkWeight", defaults.LinkWeight, positive: false),
            RecencyWeight = Number("recencyWeight", defaults.RecencyWeight, positive: false),
            RecencyDays = Number("recencyDays", defaults.RecencyDays, positive: true),
            MaxTagScore = Number("maxTagScore", defaults.MaxTagScore, positive: true),
        };
    }
}
