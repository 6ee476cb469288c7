using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>
/// A test of the CLI (and of the daemon's application on the same files) with one loopback RSS feed, source <c>posts</c>, a
/// config that keeps every candidate in the draft, a fresh database and a fake clock the commands share.
/// </summary>
/// <remarks>The source's schedule never fires: polls come from the CLI only, so a daemon application started here polls nothing on its own.</remarks>
public abstract class OneFeedCliTest(DateTimeOffset now) : LoopbackTest
{
    protected FakeTimeProvider Clock { get; } = new(now);

    protected string Config { get; private set; } = "";

    protected string Db { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Config = TempDirectory.KeepEveryCandidate(Folder.ConfigWithSources(
            $$"""{"sources": [{"id": "posts", "kind": "feed", "url": "{{Server.Url("posts.xml")}}", "schedule": "0 0 0 1 1 ? 2099", "allowPrivateNetwork": true}]}"""));
        Db = Folder.File("report.db");
    }

    /// <summary>Runs a command on the test's config, database and clock.</summary>
    protected Task<CliResult> Cli(params string[] args) =>
        CliRunner.RunAsync(services => services.AddSingleton<TimeProvider>(Clock), [.. args, "--config", Config, "--db", Db]);

    /// <summary>The summary a post of <paramref name="title"/> has in the feed.</summary>
    protected virtual string SummaryOf(string title) => $"{title}。";

    /// <summary>Serves <paramref name="posts"/> as the feed (each at a URL of its own) and polls it; the poll must succeed.</summary>
    protected async Task PollAsync(params (string Title, DateTimeOffset At)[] posts)
    {
        var items = posts.Select((p, i) => FaultFeeds.Item(p.Title, $"https://example.org/posts/{p.At:MMddHHmm}-{i}", SummaryOf(p.Title),
            pubDate: p.At.ToString("r", CultureInfo.InvariantCulture)));
        Server.MapFile("posts.xml", Encoding.UTF8.GetBytes(FaultFeeds.Rss(string.Concat(items))));
        var poll = await Cli("poll");
        Assert.True(poll.ExitCode == 0, poll.Out + poll.Error);
    }
}
