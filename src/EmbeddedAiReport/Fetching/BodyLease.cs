using System.Buffers;

namespace EmbeddedAiReport.Fetching;

/// <summary>
/// A buffer rented from the fetcher's pool (<see cref="ArrayPool{T}.Shared"/>) that a fetched body was read into (<see cref="FetchRequest.PooledBody"/>):
/// a feed of ~85 KB otherwise left a copy of its length on the large-object heap for each fetch (a cold 200-feed poll: ~17 MB).
/// Disposing it returns the buffer, once; the body must not be read after that.
/// </summary>
public sealed class BodyLease : IDisposable
{
    private readonly ArrayPool<byte> pool;
    private byte[]? buffer;

    internal BodyLease(byte[] buffer, ArrayPool<byte> pool) => (this.buffer, this.pool) = (buffer, pool);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } rented) pool.Return(rented);
    }
}
