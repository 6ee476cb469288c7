namespace EmbeddedAiReport.Storage;

/// <summary>What <see cref="EntryStore.SetStatusAsync"/> did: the entries set, those kept as published, and the ids that name no entry (then nothing was set).</summary>
public sealed record StatusUpdate(IReadOnlyList<long> Set, IReadOnlyList<long> Published, IReadOnlyList<long> Unknown);
