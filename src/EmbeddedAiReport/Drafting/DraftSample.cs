namespace EmbeddedAiReport.Drafting;

/// <summary>Drafts made up to render a template once before it is used (<see cref="DraftRenderer.SampleProblem"/>), built from the real model types.</summary>
/// <remarks>
/// A template can parse and name only members drafts have, and still fail while rendering (<c>| divided_by: 0</c>, a
/// filter given an argument it cannot use): that failure would come at the weekly export. Two drafts bring it forward:
/// one with what a real week has in every configured section — an arXiv paper with its version prefix, linked code and a
/// write-up, a post with its account, the paper it names (with and without that paper's title) and the editor's own
/// several-line 摘要, an item with no 摘要, no account and no links — and past issues; and an empty week, before any issue,
/// as a new installation's first draft is.
/// </remarks>
public static class DraftSample
{
    /// <summary>The issue date of the sample drafts (a Friday, as the newsletter's issues are).</summary>
    public static readonly DateOnly Date = new(2020, 5, 15);

    /// <summary>A full week and an empty one, both with <paramref name="sections"/> in their order.</summary>
    public static IReadOnlyList<Draft> For(IReadOnlyList<DraftSection> sections)
    {
        var window = DraftWindow.Of(Date.AddDays(-6), Date, TimeZoneInfo.Utc);
        var id = 0L;
        var full = new Draft(Date, window, sections.Select(s => Section(s, Items(s.Slug, ref id))).ToList())
        {
            // Newest first, as IssueStore gives them; the issue of the draft's own date is not a past one; one of the year before.
            RecordedIssues = [Date, Date.AddDays(-7), Date.AddDays(-14), Date.AddDays(-28), Date.AddDays(-150)],
        };
        var empty = new Draft(Date, window, sections.Select(s => Section(s, [])).ToList());
        return [full, empty];
    }

    private static DraftSectionItems Section(DraftSection section, IReadOnlyList<DraftItem> items) =>
        new(section.Slug, section.Name, section.EffectiveShortName, section.Note, items);

    private static List<DraftItem> Items(string slug, ref long id)
    {
        var paper = new DraftItem(++id, $"arxiv:2005.0{id:0000}", "MobileNet_v3 [INT8] (量化) on `NPU`", null, $"https://arxiv.org/abs/2005.0{id:0000}",
            $"2005.0{id:0000}v2", "We quantize a network to 4 bits with <1% accuracy loss.", 0.9,
            [new EntryLink("github", "gh:owner/repo", "https://github.com/owner/repo")])
        {
            Writeups = [new DraftWriteup(++id, "解读：4比特量化 | 实测", "机器之心", "https://mp.weixin.qq.com/s/sample"), new DraftWriteup(++id, "A write-up", null, "https://example.org/post")],
        };
        var post = new DraftItem(++id, $"url:example.org/{slug}/{id}", $"端侧推理框架发布 ({slug})", "NeuralTalk", $"https://example.org/{slug}/{id}", null,
            "第一点：延迟降低 30%。\n\n2. [详情](https://example.org/more)", 0.7,
            [new EntryLink("arxiv", "arxiv:2005.00001", "https://arxiv.org/abs/2005.00001"), new EntryLink("arxiv", "arxiv:2005.00002", "https://arxiv.org/abs/2005.00002"),
             new EntryLink("url", "url:example.org/spec", "https://example.org/spec")])
        {
            LinkTitles = new Dictionary<string, string> { ["arxiv:2005.00001"] = "A Paper's Own Title" },
            EditorSummary = true,
        };
        var bare = new DraftItem(++id, $"gh:owner/repo@v{id}", $"owner/repo: v{id}.0", null, $"https://github.com/owner/repo/releases/tag/v{id}", null, "", 0.5, []);
        return [paper, post, bare];
    }
}
