namespace EmbeddedAiReport.Tagging;

/// <summary>The section chosen for an entry and why.</summary>
/// <param name="Section">Section slug.</param>
/// <param name="Confidence">The router's probability for <paramref name="Section"/>; 1 for rules.</param>
/// <param name="Reason">How it was decided: <c>kind</c>, <c>rule: …</c>, <c>router</c>, <c>hint</c> or <c>default</c>.</param>
public sealed record RouteDecision(string Section, double Confidence, string Reason);
