using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Tagging;

/// <summary>Routes a post to a section: a few editorial rules, then a multinomial logistic regression learned from past issues.</summary>
/// <remarks>
/// The model is a small JSON file (config/router.json) written by <see cref="RouterTrainer"/>: per hashed feature
/// (<see cref="RouterFeatures"/>) one weight per section. Immutable and thread-safe.
/// </remarks>
public sealed partial class SectionRouter
{
    public const string Format = "eair-section-router/1";

    [ThreadStatic]
    private static List<(int Feature, float Value)>? t_features;

    private readonly string[] _classes;
    // Read for every feature of every routed entry: a frozen table looks an int key up faster than a Dictionary.
    private readonly FrozenDictionary<int, float[]> _weights;

    internal SectionRouter(IReadOnlyList<string> classes, Dictionary<int, float[]> weights, double minConfidence, string trainedOn)
    {
        _classes = [.. classes];
        _weights = weights.ToFrozenDictionary();
        MinConfidence = minConfidence;
        TrainedOn = trainedOn;
    }

    /// <summary>The sections the model knows, as slugs.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <value>Below this probability the source's section hint wins (when the source has one). Default: 0.4.</value>
    public double MinConfidence { get; }

    /// <summary>What the model was trained on, for humans (<c>25 issues, 454 items</c>).</summary>
    public string TrainedOn { get; }

    /// <summary>How many features carry weights.</summary>
    public int FeatureCount => _weights.Count;

    /// <summary>The section an editorial rule fixes for <paramref name="entry"/>, whatever the model says, or null.</summary>
    /// <remarks>
    /// The entry is an arXiv paper → papers; it is a GitHub repository or release, or its title starts with
    /// <c>owner/repo:</c> the way the editor labels projects → opensource.
    /// </remarks>
    public static RouteDecision? Rule(CandidateEntry entry)
    {
        if (entry.CanonicalKey.StartsWith("arxiv:", StringComparison.Ordinal)) return new RouteDecision("papers", 1, "rule: an arXiv paper");
        if (entry.CanonicalKey.StartsWith("gh:", StringComparison.Ordinal)) return new RouteDecision("opensource", 1, "rule: a GitHub repository");
        if (RepoTitle().IsMatch(entry.Title)) return new RouteDecision("opensource", 1, "rule: title names owner/repo");
        return null;
    }

    /// <summary>The model's most probable section for <paramref name="entry"/> (with its <paramref name="tags"/>) and its probability.</summary>
    public RouteDecision Predict(CandidateEntry entry, IReadOnlyList<TagDefinition> tags)
    {
        // One buffer per thread: a long Chinese summary gives hundreds of bigram features, and ingest classifies every entry.
        var features = t_features ??= new List<(int Feature, float Value)>(512);
        features.Clear();
        RouterFeatures.Extract(entry, tags, features);
        Span<double> scores = stackalloc double[_classes.Length];
        Score(features, scores);
        var best = 0;
        for (var c = 1; c < scores.Length; c++)
            if (scores[c] > scores[best]) best = c;
        return new RouteDecision(_classes[best], Probability(scores, best), "router");
    }

    /// <summary>Linear scores per class for <paramref name="features"/>, L2-normalized as in training.</summary>
    internal void Score(List<(int Feature, float Value)> features, Span<double> scores)
    {
        scores.Clear();
        double norm = 0;
        foreach (var (_, value) in features) norm += value * value;
        norm = Math.Sqrt(norm);
        foreach (var (feature, value) in features)
        {
            if (!_weights.TryGetValue(feature, out var w)) continue;
            for (var c = 0; c < scores.Length; c++) scores[c] += w[c] * value / norm;
        }
    }

    internal static double Probability(ReadOnlySpan<double> scores, int index)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) max = Math.Max(max, s);
        double sum = 0;
        foreach (var s in scores) sum += Math.Exp(s - max);
        return Math.Exp(scores[index] - max) / sum;
    }

    /// <summary>The model as JSON (the config/router.json format); the same model always gives the same text.</summary>
    public string ToJson()
    {
        var weights = new JsonObject();
        foreach (var (feature, w) in _weights.OrderBy(p => p.Key))
            weights[feature.ToString(CultureInfo.InvariantCulture)] = new JsonArray(w.Select(x => (JsonNode)JsonValue.Create(Math.Round(x, 4))).ToArray());
        var root = new JsonObject
        {
            ["format"] = Format,
            ["comment"] = "Section router trained by `train` from past issues; feature ids are hashes (see Tagging/RouterFeatures.cs). Regenerate, don't edit, except minConfidence.",
            ["trainedOn"] = TrainedOn,
            ["minConfidence"] = MinConfidence,
            ["classes"] = new JsonArray(_classes.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            ["weights"] = weights,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
    }

    /// <summary>Reads a model written by <see cref="ToJson"/>; returns the router, or null and the problem (naming <paramref name="fileName"/>).</summary>
    /// <remarks>
    /// Read in one forward pass over the UTF-8 text (no document of its ~7,000 features × 4 weights is built): every command
    /// that routes entries reads this file at start, and building the document was the longest step of that start.
    /// </remarks>
    public static (SectionRouter? Router, string? Problem) Parse(string json, string fileName)
    {
        try
        {
            var model = ReadModel(Encoding.UTF8.GetBytes(json));
            if (model.Format != Format) return (null, $"{fileName}: format: expected '{Format}' (regenerate it with the train command)");
            var classes = model.Classes ?? throw new KeyNotFoundException("The model has no 'classes'.");
            if (classes.Count < 2 || classes.Any(string.IsNullOrEmpty)) return (null, $"{fileName}: classes: expected at least two section slugs");
            if (model.MinConfidence is < 0 or > 1) return (null, $"{fileName}: minConfidence: expected a number from 0 to 1");
            var features = model.Weights ?? throw new KeyNotFoundException("The model has no 'weights'.");
            var weights = new Dictionary<int, float[]>(features.Count);
            foreach (var (feature, values) in features)
            {
                if (values.Length != classes.Count) return (null, $"{fileName}: weights: feature {feature.ToString(CultureInfo.InvariantCulture)} has {values.Length} weights for {classes.Count} classes");
                weights[feature] = values;
            }
            return (new SectionRouter(classes, weights, model.MinConfidence, model.TrainedOn), null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            return (null, $"{fileName}: not a section router model: {(ex is JsonException syntax ? JsonSyntaxError.Describe(syntax, json) : ex.Message)}");
        }
    }

    private sealed record Model(string? Format, List<string>? Classes, double MinConfidence, string TrainedOn, List<(int Feature, float[] Values)>? Weights);

    // The model's properties in any order (unknown ones skipped); checked by the caller. A property given twice: the last counts.
    private static Model ReadModel(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        Expect(ref reader, JsonTokenType.StartObject);
        string? format = null, trainedOn = null;
        List<string>? classes = null;
        List<(int, float[])>? weights = null;
        var minConfidence = 0.4;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("format"u8)) { Next(ref reader); format = reader.GetString(); }
            else if (reader.ValueTextEquals("trainedOn"u8)) { Next(ref reader); trainedOn = reader.GetString(); }
            else if (reader.ValueTextEquals("minConfidence"u8)) { Next(ref reader); minConfidence = reader.GetDouble(); }
            else if (reader.ValueTextEquals("classes"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                classes = [];
                while (Next(ref reader) != JsonTokenType.EndArray) classes.Add(reader.GetString() ?? "");
            }
            else if (reader.ValueTextEquals("weights"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                weights = [];
                var values = new List<float>(8);
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var feature = reader.HasValueSequence || reader.ValueIsEscaped
                        ? int.Parse(reader.GetString()!, CultureInfo.InvariantCulture)
                        : int.Parse(reader.ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture);
                    Expect(ref reader, JsonTokenType.StartArray);
                    values.Clear();
                    while (Next(ref reader) != JsonTokenType.EndArray) values.Add((float)reader.GetDouble());
                    weights.Add((feature, [.. values]));
                }
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        // Anything after the model's object is an error, as it is for a JSON document.
        if (reader.Read()) throw new JsonException($"'{reader.TokenType}' after the model's object.");
        return new Model(format, classes, minConfidence, trainedOn ?? "", weights);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The model's JSON ends too early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type) throw new InvalidOperationException($"Expected {type}, found {reader.TokenType}.");
    }

    [GeneratedRegex(@"^\s*[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}\s*[:：]")]
    private static partial Regex RepoTitle();
}
