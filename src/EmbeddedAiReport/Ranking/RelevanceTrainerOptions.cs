namespace EmbeddedAiReport.Ranking;

/// <summary>How <see cref="RelevanceTrainer"/> fits and calibrates; the defaults are what the shipped model was trained with.</summary>
public sealed record RelevanceTrainerOptions
{
    /// <value>Passes of SGD over the examples. Default: 24.</value>
    public int Epochs { get; init; } = 24;

    /// <value>Initial SGD step, decaying per epoch. Default: 0.2.</value>
    public double LearningRate { get; init; } = 0.2;

    /// <value>L2 penalty per step on the weights an example touches. Default: 1e-4.</value>
    public double L2 { get; init; } = 1e-4;

    /// <value>A feature must occur in at least this many examples to be learned. Default: 5.</value>
    public int MinDocuments { get; init; } = 5;

    /// <value>Folds of held-out scores for the calibration. Default: 5.</value>
    public int CalibrationFolds { get; init; } = 5;

    /// <value>Share of the editor's held-out items the draft threshold keeps. Default: 0.99.</value>
    public double ThresholdRecall { get; init; } = 0.99;
}
