using EmbeddedAiReport.Dedup;

namespace EmbeddedAiReport.Ingest;

/// <summary>What <see cref="IngestWriter.Prepare"/> computes for a write before it is queued: its fingerprint over the whole text and its content hash.</summary>
public sealed record PreparedWrite(TextFingerprint Fingerprint, string ContentHash);
