using System.Text;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Drafting;

/// <summary>A draft issue: its date, window and the selected items by section, in order.</summary>
/// <param name="Date">The issue date shown in the heading: the last day of the window.</param>
public sealed record Draft(DateOnly Date, DraftWindow Window, IReadOnlyList<DraftSectionItems> Sections)
{
    /// <summary>How many items the draft holds (the 导读 count).</summary>
    public int Count => Sections.Sum(s => s.Items.Count);

    /// <summary>
    /// The dates of the issues recorded in the database (published or imported), newest first; the template's 往期回顾 lists
    /// those before <see cref="Date"/>. Empty where the draft was not built from a database (<see cref="DraftExporter"/> fills it).
    /// </summary>
    public IReadOnlyList<DateOnly> RecordedIssues { get; init; } = [];

    /// <summary>
    /// A short hash of what the draft says, section by section and in order: each item's entry, title, account, link, prefix,
    /// summary, named papers/repos and write-ups. Not its date or scores: a page shown on Monday and published on Tuesday
    /// is the same draft when its items are. The review page posts it with Publish, which refuses a draft that changed since.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var section in Sections)
        {
            text.Append('\u001d').Append(section.Slug);
            foreach (var item in section.Items)
            {
                text.Append('\u001e').Append(item.EntryId).Append('\u001f').Append(item.Title).Append('\u001f').Append(item.Account)
                    .Append('\u001f').Append(item.Url).Append('\u001f').Append(item.Prefix).Append('\u001f').Append(item.Summary);
                foreach (var link in item.Links)
                    text.Append('\u001f').Append(link.Target).Append(' ').Append(link.Url).Append(' ').Append(item.LinkTitles.GetValueOrDefault(link.Target));
                foreach (var writeup in item.Writeups)
                    text.Append('\u001f').Append(writeup.EntryId).Append(' ').Append(writeup.Title).Append(' ').Append(writeup.Account).Append(' ').Append(writeup.Url);
            }
        }
        return TextDigest.Sha256HexLower(text.ToString(), 16);
    }
}
