using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;
using SQLitePCL;

namespace EmbeddedAiReport.Tests.Drafting;

/// <summary>Publishing beside the daemon's polls and other editors: what the draft check compared is what is recorded.</summary>
public sealed class IssuePublisherTests : IDisposable
{
    private static readonly TimeSpan Offset = TimeSpan.FromHours(8);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Tuesday = new(2026, 12, 1, 10, 0, 0, Offset);   // 2026-W49 runs Mon 11-30 .. Sun 12-06
    private static readonly DateTimeOffset MondayPost = new(2026, 11, 30, 9, 0, 0, Offset);
    private static readonly DraftWindow Week49 = DraftWindow.Of(new EditorialWeek(2026, 49), Shanghai);

    private readonly TestServices _services = new(now: Tuesday);

    public void Dispose() => _services.Dispose();

    private Task<StoreCounts> PollAsync(params EntryWrite[] writes) =>
        _services.Get<IngestWriter>().CommitAsync(
            new FetchRecord("posts", "feed", _services.Clock.GetUtcNow(), TimeSpan.Zero, 200, 0, writes.Length, null, new Dictionary<string, HttpValidators>()),
            writes, null, CancellationToken.None);

    private static EntryWrite Post(string slug, string title, DateTimeOffset published) =>
        new(new CandidateEntry
        {
            CanonicalKey = $"url:example.org/{slug}", Url = $"https://example.org/{slug}", Title = title,
            Summary = string.Join(' ', Enumerable.Range(0, 12).Select(w => $"{slug}word{w}")), Published = published,
        }, "feed", "news", 0.9, []);

    private async Task<IReadOnlyList<string>> TitlesAsync(DraftWindow window) =>
        (await _services.Get<DraftExporter>().BuildAsync(window, CancellationToken.None)).Sections.SelectMany(s => s.Items).Select(i => i.Title).ToList();

    [Fact]
    public async Task Publish_APollCommittingWhileTheDraftIsBuilt_WaitsAndIsALateArrival_NeverLeftOutOfBoth()
    {
        // A poll that committed between the draft being built and the issue being recorded would store an entry of the window
        // that is neither in the issue nor a late arrival (first seen before the issue): no draft would ever show it. The
        // publish holds the write lock from the build to the record, so a writer gets SQLite's "busy" until it is recorded.
        await PollAsync(Post("monday", "Monday post", MondayPost));
        int? begun = null;

        var outcome = await _services.Get<IssuePublisher>().PublishAsync(Week49, null, CancellationToken.None, draft =>
        {
            // Built, not yet recorded: the moment the daemon's poll would commit. Asked without waiting (busy timeout 0).
            using var writer = DatabaseProbe.Open(_services.DatabasePath, readOnly: false);
            raw.sqlite3_busy_timeout(writer.Handle, 0);
            begun = raw.sqlite3_exec(writer.Handle, "BEGIN IMMEDIATE");
            if (begun == raw.SQLITE_OK) raw.sqlite3_exec(writer.Handle, "ROLLBACK");
            return "";
        });
        _services.Clock.Advance(TimeSpan.FromMinutes(1));
        await PollAsync(Post("late", "Late Monday post", MondayPost.AddHours(2)));

        Assert.True(outcome.Problem is null, outcome.Problem);
        Assert.Equal(raw.SQLITE_BUSY, begun);
        Assert.Equal(["Late Monday post"], await TitlesAsync(DraftWindow.Of(new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 2), Shanghai)));
    }

    [Fact]
    public async Task Publish_DraftChangedSinceItWasShown_RecordsNothingAndSaysSo()
    {
        await PollAsync(Post("monday", "Monday post", MondayPost));
        var shown = (await _services.Get<DraftExporter>().BuildAsync(Week49, CancellationToken.None)).Fingerprint();
        await PollAsync(Post("monday", "Monday post, corrected", MondayPost));

        var stale = await _services.Get<IssuePublisher>().PublishAsync(Week49, null, CancellationToken.None, shown: shown);
        var dates = await _services.Get<IssueStore>().DatesAsync(CancellationToken.None);
        var current = (await _services.Get<DraftExporter>().BuildAsync(Week49, CancellationToken.None)).Fingerprint();
        var fresh = await _services.Get<IssuePublisher>().PublishAsync(Week49, null, CancellationToken.None, shown: current);

        Assert.True(stale.Changed);
        Assert.Null(stale.Result);
        Assert.Equal("the draft of 2026-11-30 .. 2026-12-06 changed since it was shown (a poll, another editor's action or publish; it has 1 item now): "
            + "nothing was published; check the draft as it is now and publish again", stale.Problem);
        Assert.Empty(dates);
        Assert.True(fresh.Problem is null, fresh.Problem);
        Assert.Equal((1, 1), (fresh.Result!.Items, fresh.Result.EntriesPublished));
    }

    [Fact]
    public async Task Preview_NoDraftShown_BuildsTheWeeksDraftOnce_AndCarriesItsFingerprint()
    {
        // The review page's Publish posted without the script and without the draft the page showed (another client): the
        // confirmation's preview built the week's draft for the fingerprint it carries, then again to compare with it.
        await PollAsync(Post("monday", "Monday post", MondayPost));
        var exporter = _services.Get<DraftExporter>();
        var week = (await exporter.BuildAsync(Week49, CancellationToken.None)).Fingerprint();
        var before = exporter.Built;

        var preview = await _services.Get<IssuePublisher>().PreviewAsync(Week49, null, CancellationToken.None);

        // Tuesday: the issue cuts the week at its date, whose draft is built as well; the week's once.
        Assert.Equal(2, exporter.Built - before);
        Assert.Null(preview.Problem);
        Assert.Equal(week, preview.Shown);
        Assert.Equal(new DateOnly(2026, 12, 1), preview.Issue!.Date);
        Assert.Equal(["Monday post"], preview.Issue.Sections.SelectMany(s => s.Items).Select(i => i.Title));
        Assert.Equal(DraftWindow.Of(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 1), Shanghai), preview.Window);
    }
}
