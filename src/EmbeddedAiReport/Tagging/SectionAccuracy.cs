namespace EmbeddedAiReport.Tagging;

/// <summary>Routing accuracy on one section: items the router put where the editor did, of the editor's items there.</summary>
public sealed record SectionAccuracy(string Section, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}
