using System.Text.RegularExpressions;
using System.Xml.Linq;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Sources.Feeds;

namespace EmbeddedAiReport.Sources.Arxiv;

/// <summary>arXiv's per-category RSS feeds (rss.arxiv.org, the January 2024 format): kind <c>arxiv-rss</c>.</summary>
/// <remarks>
/// Items carry the versioned id in <c>guid</c> (<c>oai:arXiv.org:2402.12345v1</c>) and in the description
/// (<c>arXiv:2402.12345v1 Announce Type: new \nAbstract: …</c>), the type in <c>arxiv:announce_type</c>
/// (new, cross, replace, replace-cross) and the authors in <c>dc:creator</c>. On Saturdays, Sundays and arXiv
/// holidays the channel has no items, which is a normal empty poll.
/// </remarks>
public sealed partial class ArxivRssSource : ISourceKind
{
    public const string KindName = "arxiv-rss";

    /// <summary>Namespace of the <c>arxiv:</c> elements in arXiv's feeds and API.</summary>
    internal static readonly XNamespace ArxivNamespace = "http://arxiv.org/schemas/atom";

    private static readonly string[] KeepNames = ["new", "cross", "replace", "replace-cross"];

    public string Kind => KindName;

    public IReadOnlyCollection<string> Fields { get; } = [ArxivCategory.Field, ArxivKeep.Field];

    public string DefaultSection => ArxivPaper.Section;

    public IEnumerable<string> Validate(SourceDefinition source) =>
        ArxivCategory.Validate(source, required: source.Url is null, many: true).Concat(ArxivKeep.Validate(source, KeepNames));

    public IReadOnlyList<SourceRequest> Requests(SourceDefinition source) =>
        [new SourceRequest(source.Url ?? new Uri($"https://rss.arxiv.org/rss/{ArxivCategory.Joined(source)}"))];

    public ParseOutcome Parse(FetchedDocument document, SourceDefinition source, SourceRequest request)
    {
        var parsed = FeedDocumentParser.Parse(document);
        if (parsed.Feed is not { } feed) return new ParseOutcome.WrongFormat(parsed.Error!);
        var now = document.Received;
        var keep = ArxivKeep.Of(source);
        var entries = new List<CandidateEntry>(feed.Items.Count);
        var skipped = new List<string>();
        foreach (var item in feed.Items)
        {
            if (Read(item, now) is not { } paper)
            {
                skipped.Add($"item '{item.Title ?? item.Id}': no arXiv id in guid, description or link");
                continue;
            }
            // A withdrawal is a replacement whose abstract is the notice: kept whatever 'keep' says, so that the paper's
            // entry learns it and leaves the draft.
            if (!keep.Keeps(paper.Announcement) && !ArxivWithdrawal.IsNotice(paper.Abstract))
            {
                skipped.Add($"{paper.Id}: announce type {paper.Announcement} not kept (see 'keep')");
                continue;
            }
            entries.Add(paper.ToCandidate(source, now));
        }
        return new ParseOutcome.Parsed(entries, skipped, Warning: parsed.Warning);
    }

    private static ArxivPaper? Read(FeedEntry item, DateTimeOffset now)
    {
        var description = item.Description ?? "";
        var header = Header().Match(description);
        // The guid and the description carry the version; the link never does.
        var id = ArxivId.TryParse(item.Id) is { Version: not null } fromGuid ? fromGuid
            : header.Success && ArxivId.TryParse(header.Groups["id"].Value) is { } fromDescription ? fromDescription
            : (ArxivId.TryParse(item.Id) ?? (CanonicalUrl.TryParse(item.Link) is { } link ? ArxivId.TryFromUrl(link) : null));
        if (id is not { } paperId) return null;

        var typeName = item.Extension(ArxivNamespace.NamespaceName, "announce_type") ?? (header.Success ? header.Groups["type"].Value : null);
        var announcement = ArxivKeep.ParseName(typeName) ?? ArxivAnnouncement.New;
        var abstractStart = description.IndexOf("Abstract:", StringComparison.Ordinal);
        var abstractText = abstractStart >= 0 ? description[(abstractStart + "Abstract:".Length)..]
            : header.Success ? description[(header.Index + header.Length)..] : description;
        var authors = item.Creator ?? item.Author;
        var primary = item.Categories.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
        return new ArxivPaper(paperId, item.Title ?? paperId.Versioned, abstractText, authors, null, primary, announcement,
            SourceDates.Parse(item.Published, now), []);
    }

    [GeneratedRegex(@"arXiv:(?<id>\S+)\s+Announce Type:\s*(?<type>[a-z\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Header();
}
