namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>One account a mirror serves: its feed id on the mirror and the display name shown as <c>| name</c> in the draft.</summary>
/// <param name="Name">Null: the feed's own account name (item author, else channel title).</param>
public sealed record MirrorAccount(string Feed, string? Name);
