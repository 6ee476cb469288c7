using System.Net;
using System.Net.Sockets;
using EmbeddedAiReport.Fetching;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// Answers host names in the system resolver's place (register <see cref="Resolver"/>), so no name is looked up in DNS:
/// each name's answers in turn, the last one from then on (a name answering differently from one lookup to the next is
/// DNS rebinding). An empty answer, like a name never given one, does not resolve (<see cref="SocketError.HostNotFound"/>).
/// </summary>
public sealed class FakeResolver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);

    public FakeResolver() => Resolver = new HostResolver(LookUpAsync);

    public HostResolver Resolver { get; }

    /// <summary>Lookups of <paramref name="host"/> answer <paramref name="answers"/> in turn, the last one from then on.</summary>
    public void Answer(string host, params string[][] answers)
    {
        lock (_lock) _answers[host] = new Queue<IPAddress[]>(answers.Select(answer => answer.Select(IPAddress.Parse).ToArray()));
    }

    private Task<IPAddress[]> LookUpAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] answer = [];
        lock (_lock)
        {
            if (_answers.TryGetValue(host, out var answers)) answer = answers.Count > 1 ? answers.Dequeue() : answers.Peek();
        }
        return answer.Length > 0 ? Task.FromResult(answer) : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}
