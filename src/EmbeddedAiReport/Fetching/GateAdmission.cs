namespace EmbeddedAiReport.Fetching;

/// <summary>What <see cref="HostPoliteness.Admit"/> decided for a poll: a place in line, or a later turn booked at the gate.</summary>
/// <param name="Place">The poll's place in line (dispose it when the poll ends); null when it was put off.</param>
/// <param name="LaterTurn">The turn booked for a poll put off; null when admitted.</param>
/// <param name="Ahead">The wait ahead the decision was made on.</param>
public sealed record GateAdmission(IDisposable? Place, DateTimeOffset? LaterTurn, TimeSpan Ahead);
