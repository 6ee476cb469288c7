namespace EmbeddedAiReport.Tagging;

/// <summary>One tag of the taxonomy (config/tags.json): its weight and the terms that give it to an entry.</summary>
/// <param name="Name">The tag as stored in <c>entries.tags</c>, e.g. <c>quantization</c>.</param>
/// <param name="Weight">What the tag adds to the relevance score; negative for off-topic penalty tags.</param>
/// <param name="English">Latin-script terms: case-insensitive, whole words, also in plural, -ing and -ed forms.</param>
/// <param name="EnglishExact">
/// Latin-script terms as <paramref name="English"/>, but their own letters only in the case written: acronyms that are also
/// words (the conference MICRO, not "TFLite Micro" or "micro-expression").
/// </param>
/// <param name="Chinese">CJK terms: matched as substrings (no word segmentation).</param>
/// <param name="Negative">Terms (either script) that veto this tag when present.</param>
/// <param name="Patterns">Regular expressions (case-insensitive) for what terms cannot say, e.g. <c>\bw\d+a\d+\b</c>.</param>
public sealed record TagDefinition(
    string Name,
    double Weight,
    IReadOnlyList<string> English,
    IReadOnlyList<string> EnglishExact,
    IReadOnlyList<string> Chinese,
    IReadOnlyList<string> Negative,
    IReadOnlyList<string> Patterns);
