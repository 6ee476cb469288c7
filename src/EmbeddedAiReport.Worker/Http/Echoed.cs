using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Worker.Http;

/// <summary>
/// A value a request sent, as a refusal quotes it back: its first <see cref="MaxChars"/> characters and "…" when longer.
/// A path runs to Kestrel's 8 KB and a query value or form field further; a problem body naming one in full repeats
/// kilobytes the client already has, where the start of it says which value was meant.
/// </summary>
internal static class Echoed
{
    /// <summary>Characters of a value quoted in full.</summary>
    public const int MaxChars = 100;

    /// <summary><paramref name="value"/>, cut to <see cref="MaxChars"/> characters (never within a surrogate pair) and "…" when longer.</summary>
    public static string Of(string value) => TextCleaner.Cut(value, MaxChars);
}
