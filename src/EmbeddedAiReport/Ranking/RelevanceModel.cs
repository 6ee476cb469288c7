using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>The editor's relevance model: a linear model over <see cref="RankingFeatures"/>, calibrated to a probability.</summary>
/// <remarks>
/// Score = σ(A·(w·x) + B): w·x is the linear score learned by <see cref="RelevanceTrainer"/>, A and B the Platt calibration
/// fitted on held-out scores, so the result is a relevance from 0 to 1 that ranks without ties and that one threshold
/// (<see cref="Threshold"/>) can cut. The model is a JSON file (config/ranker.json). Immutable and thread-safe.
/// </remarks>
public sealed class RelevanceModel
{
    public const string Format = "eair-relevance/1";

    [ThreadStatic]
    private static List<(int Feature, float Value)>? t_features;

    // Read for every feature of every scored entry: a frozen table looks an int key up faster than a Dictionary.
    private readonly FrozenDictionary<int, float> _weights;

    private readonly Dictionary<string, double> _thresholds;

    internal RelevanceModel(Dictionary<int, float> weights, double scale, double offset, double threshold, Dictionary<string, double> thresholds, string trainedOn)
    {
        _weights = weights.ToFrozenDictionary();
        _thresholds = thresholds;
        Scale = scale;
        Offset = offset;
        Threshold = threshold;
        TrainedOn = trainedOn;
    }

    /// <summary>Calibration slope A.</summary>
    public double Scale { get; }

    /// <summary>Calibration offset B.</summary>
    public double Offset { get; }

    /// <summary>The relevance below which an entry stays out of the draft, chosen on held-out scores of the editor's items.</summary>
    public double Threshold { get; }

    /// <summary>The threshold of <paramref name="section"/> (a slug): its own when trained with enough of its items, else <see cref="Threshold"/>.</summary>
    public double ThresholdFor(string? section) => section is not null && _thresholds.TryGetValue(section, out var t) ? t : Threshold;

    /// <summary>The per-section thresholds, by section slug.</summary>
    public IReadOnlyDictionary<string, double> SectionThresholds => _thresholds;

    /// <summary>What the model was trained on, for humans.</summary>
    public string TrainedOn { get; }

    /// <summary>How many features carry weights.</summary>
    public int FeatureCount => _weights.Count;

    /// <summary>The relevance (0–1) of <paramref name="entry"/>, whose text carries <paramref name="tags"/>.</summary>
    /// <param name="sourceWeight">The source's <c>weight</c> from sources.json, added to the calibrated log-odds.</param>
    public double Score(CandidateEntry entry, IReadOnlyList<TagOccurrence> tags, double sourceWeight = 0)
    {
        // One buffer per thread: ingest scores every entry, and a long text gives a few hundred features.
        var features = t_features ??= new List<(int Feature, float Value)>(512);
        features.Clear();
        RankingFeatures.Extract(entry, tags, features);
        return Calibrate(Margin(features), sourceWeight);
    }

    /// <summary>The features of <paramref name="entry"/> that moved its score most, strongest first: positive contributions for, negative against.</summary>
    public IReadOnlyList<(string Feature, double Contribution)> Contributions(CandidateEntry entry, IReadOnlyList<TagOccurrence> tags) =>
        RankingFeatures.Named(entry, tags)
            .Where(f => f.Feature != RankingFeatures.Bias && _weights.ContainsKey(f.Feature))
            .Select(f => (f.Name, Contribution: Scale * _weights[f.Feature] * f.Value))
            .Where(f => Math.Abs(f.Contribution) >= 0.005)
            .OrderByDescending(f => Math.Abs(f.Contribution))
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

    internal double Margin(List<(int Feature, float Value)> features)
    {
        double sum = 0;
        foreach (var (feature, value) in features)
            if (_weights.TryGetValue(feature, out var w)) sum += w * value;
        return sum;
    }

    internal double Calibrate(double margin, double sourceWeight = 0) => 1 / (1 + Math.Exp(-(Scale * margin + Offset + sourceWeight)));

    /// <summary>The model as JSON (the config/ranker.json format); the same model always gives the same text.</summary>
    public string ToJson()
    {
        var weights = new JsonObject();
        foreach (var (feature, w) in _weights.OrderBy(p => p.Key))
            weights[feature.ToString(CultureInfo.InvariantCulture)] = JsonValue.Create(Math.Round(w, 4));
        var root = new JsonObject
        {
            ["format"] = Format,
            ["comment"] = "Relevance model trained by `train` from past issues and editor labels; feature ids are hashes (see Ranking/RankingFeatures.cs). Regenerate, don't edit.",
            ["trainedOn"] = TrainedOn,
            ["calibration"] = new JsonObject { ["scale"] = Math.Round(Scale, 6), ["offset"] = Math.Round(Offset, 6) },
            ["threshold"] = Math.Round(Threshold, 4),
            ["sectionThresholds"] = new JsonObject(_thresholds.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(Math.Round(p.Value, 4))))),
            ["weights"] = weights,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n";
    }

    /// <summary>Reads a model written by <see cref="ToJson"/>; returns it, or null and the problem (naming <paramref name="fileName"/>).</summary>
    public static (RelevanceModel? Model, string? Problem) Parse(string json, string fileName)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
                return (null, $"{fileName}: format: expected '{Format}' (regenerate it with the train command)");
            var calibration = root.GetProperty("calibration");
            var scale = calibration.GetProperty("scale").GetDouble();
            var offset = calibration.GetProperty("offset").GetDouble();
            if (!double.IsFinite(scale) || scale <= 0 || !double.IsFinite(offset)) return (null, $"{fileName}: calibration: expected a positive scale and a finite offset");
            var threshold = root.GetProperty("threshold").GetDouble();
            if (threshold is < 0 or > 1 || double.IsNaN(threshold)) return (null, $"{fileName}: threshold: expected a number from 0 to 1");
            var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
            if (root.TryGetProperty("sectionThresholds", out var sectionThresholds))
                foreach (var property in sectionThresholds.EnumerateObject())
                {
                    var value = property.Value.GetDouble();
                    if (value is < 0 or > 1 || double.IsNaN(value)) return (null, $"{fileName}: sectionThresholds: {property.Name}: expected a number from 0 to 1");
                    thresholds[property.Name] = value;
                }
            var weights = new Dictionary<int, float>();
            foreach (var property in root.GetProperty("weights").EnumerateObject())
            {
                var weight = property.Value.GetDouble();
                if (!double.IsFinite(weight)) return (null, $"{fileName}: weights: feature {property.Name} is not a finite number");
                weights[int.Parse(property.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)] = (float)weight;
            }
            if (weights.Count == 0) return (null, $"{fileName}: weights: the model has no weights (regenerate it with the train command)");
            var trainedOn = root.TryGetProperty("trainedOn", out var t) ? t.GetString() ?? "" : "";
            return (new RelevanceModel(weights, scale, offset, threshold, thresholds, trainedOn), null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            return (null, $"{fileName}: not a relevance model: {(ex is JsonException syntax ? JsonSyntaxError.Describe(syntax, json) : ex.Message)}");
        }
    }
}
