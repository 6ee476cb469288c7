namespace EmbeddedAiReport.Tagging;

/// <summary>Everything the classifier decided about an entry, with the reasons (for <c>entries</c> and for debugging).</summary>
public sealed record Classification(RouteDecision Route, Relevance Relevance)
{
    public override string ToString() => $"section {Route.Section} ({Route.Reason}, {Route.Confidence:0.00}); {Relevance}";
}
