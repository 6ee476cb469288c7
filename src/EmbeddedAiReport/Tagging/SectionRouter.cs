using System.Collections.Frozen;
using System.Globalization;
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
    public static (SectionRouter? Router, string? Problem) Parse(string json, string fileName)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetString() != Format)
                return (null, $"{fileName}: format: expected '{Format}' (regenerate it with the train command)");
            var classes = root.GetProperty("classes").EnumerateArray().Select(c => c.GetString() ?? "").ToList();
            if (classes.Count < 2 || classes.Any(string.IsNullOrEmpty)) return (null, $"{fileName}: classes: expected at least two section slugs");
            var minConfidence = root.TryGetProperty("minConfidence", out var mc) ? mc.GetDouble() : 0.4;
            if (minConfidence is < 0 or > 1) return (null, $"{fileName}: minConfidence: expected a number from 0 to 1");
            var weights = new Dictionary<int, float[]>();
            foreach (var property in root.GetProperty("weights").EnumerateObject())
            {
                var values = property.Value.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
                if (values.Length != classes.Count) return (null, $"{fileName}: weights: feature {property.Name} has {values.Length} weights for {classes.Count} classes");
                weights[int.Parse(property.Name, CultureInfo.InvariantCulture)] = values;
            }
            var trainedOn = root.TryGetProperty("trainedOn", out var t) ? t.GetString() ?? "" : "";
            return (new SectionRouter(classes, weights, minConfidence, trainedOn), null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            return (null, $"{fileName}: not a section router model: {(ex is JsonException syntax ? JsonSyntaxError.Describe(syntax, json) : ex.Message)}");
        }
    }

    [GeneratedRegex(@"^\s*[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}\s*[:：]")]
    private static partial Regex RepoTitle();
}
