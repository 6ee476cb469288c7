using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>What the review page shows for one window (a week, days or since the last issue).</summary>
/// <param name="Markdown">The draft exactly as <c>export</c> renders it (the preview).</param>
/// <param name="FormToken">The anti-forgery token every form carries.</param>
/// <param name="CanWrite">False: the page is shown without its forms (not loopback and no editor token).</param>
/// <param name="Notice">A one-line message after an action without the script (the redirect's <c>msg</c>), or null.</param>
/// <param name="Kept">What an editor typed in an edit refused as stale, shown again in that entry's form (without the script), or null.</param>
/// <param name="NoticeAt">The entry the <paramref name="Notice"/> is about (the redirect's <c>at</c>), which shows it too, or null.</param>
/// <param name="LateArrivals">Why each late arrival of the window is in it (by entry id), as <c>entries --explain</c> says it.</param>
/// <param name="More">The page of a section's entries out of the draft asked for (<c>?more=</c>), or null: the first of each.</param>
/// <param name="Story">The entry whose story's members are all shown (<c>?story=</c>), or null: the first few of each story.</param>
/// <param name="PublishedFrom">The issues published from this window, each with why its items are out of the draft (as <c>export</c> notes it).</param>
internal sealed record ReviewView(Http.PathWindow Window, DraftReviewResult Review, IReadOnlyList<ReviewSection> Sections, string Markdown, string FormToken,
    bool CanWrite, string? Notice, ReviewActions.Typed? Kept = null, long? NoticeAt = null, IReadOnlyDictionary<long, string>? LateArrivals = null,
    ReviewMore? More = null, long? Story = null, IReadOnlyList<(DateOnly Date, string Note)>? PublishedFrom = null);
