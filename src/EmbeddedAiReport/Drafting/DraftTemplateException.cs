namespace EmbeddedAiReport.Drafting;

/// <summary>The draft template cannot be parsed or rendered; the message names the position.</summary>
public sealed class DraftTemplateException(string message) : Exception(message);
