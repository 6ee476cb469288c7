namespace EmbeddedAiReport.Normalizing;

/// <summary><see cref="char.ToLowerInvariant(char)"/> without its cost on the text the ingest path sees most.</summary>
/// <remarks>
/// Outside invariant-globalization mode, lower-casing a non-ASCII character is a call into ICU. ASCII letters are mapped
/// here, and the CJK blocks U+3000–U+9FFF and the Hangul syllables U+AC00–U+D7A3 (no character there has a lower-case
/// mapping) are returned as they are; everything else goes to <see cref="char.ToLowerInvariant(char)"/>, so the result is
/// always the same as it.
/// </remarks>
internal static class InvariantCase
{
    /// <summary>The same character as <see cref="char.ToLowerInvariant(char)"/> returns.</summary>
    public static char Lower(char c)
    {
        if (c < 0x80) return char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
        if (c is >= '\u3000' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7A3') return c;
        return char.ToLowerInvariant(c);
    }
}
