using System.Collections.Concurrent;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EmbeddedAiReport.Tests.Sources;

/// <summary>
/// A source that has been read waits for the one writer without holding its reading slot: `poll --all` goes on reading
/// while a long group is written (on a big database the first group loads the story index; a checkpoint can stall a commit).
/// </summary>
public sealed class ReadWhileWritingTests() : LoopbackTest(new TestServices())
{
    [Fact]
    public async Task PollManyAsync_TwoSlotsAndTheWriterBusy_ReadsTheNextSourcesMeanwhileAndStoresThemAllAfter()
    {
        const int Sources = 4;
        var served = new ConcurrentDictionary<string, bool>();
        var allServed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var json = new List<string>();
        for (var i = 0; i < Sources; i++)
        {
            var body = FaultFeeds.Healthy(5 + i, $"s{i}");
            var path = $"s{i}.xml";
            Server.Map(path, async context =>
            {
                context.Response.ContentType = "application/xml";
                await context.Response.Body.WriteAsync(body);
                if (served.TryAdd(path, true) && served.Count == Sources) allServed.TrySetResult();
            });
            json.Add($$"""{"id": "s{{i}}", "kind": "feed", "url": "{{Server.Url(path)}}", "allowPrivateNetwork": true}""");
        }
        var sources = Services.Sources($$"""{"sources": [{{string.Join(",", json)}}]}""");
        var writer = Services.Get<IngestWriter>();

        Task<IReadOnlyList<PollResult>> poll;
        using (writer.Hold())
        {
            // Two reading slots, and nothing can be written: sources 3 and 4 start only if the first two let go of their
            // slots to wait for the writer. (The fake clock never reaches the 5 s slot patience, so nothing else frees a slot.)
            poll = Services.Get<SourcePoller>().PollManyAsync(sources, maxParallel: 2, CancellationToken.None);
            await allServed.Task.WaitPatientlyAsync("the four feeds' requests");
            Assert.False(poll.IsCompleted);
        }

        var results = await poll.WaitPatientlyAsync("the poll's end");
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal([5, 6, 7, 8], results.OrderBy(r => r.SourceId, StringComparer.Ordinal).Select(r => r.New));
        Assert.Equal(26, await Services.Get<EntryStore>().CountAsync(CancellationToken.None));
    }
}
