namespace EmbeddedAiReport.Drafting;

/// <summary>How drafts are cut and laid out (section <c>Draft</c> of appsettings.json).</summary>
public sealed class DraftOptions
{
    /// <value>IANA zone that editorial weeks and <c>--from/--to</c> dates are read in. Default: <c>Asia/Shanghai</c>.</value>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <value>The sections in draft order: slug (used in data), display name and an optional note under the heading. Default: the newsletter's four.</value>
    public List<DraftSection> Sections { get; set; } = [];

    /// <value>
    /// Relevance (0–1) below which candidates stay stored but out of the draft, for every section. Default: not set — each
    /// section uses the relevance model's calibrated threshold (ranker.json), or 0.5 when no model is loaded.
    /// </value>
    public double? MinScore { get; set; }

    /// <value>Most items per section slug; shortlisted entries are always in, beyond the quota. Default: 10 for each section.</value>
    public Dictionary<string, int> Quotas { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The quota of <paramref name="slug"/>.</summary>
    public int QuotaFor(string slug) => Quotas.TryGetValue(slug, out var quota) ? quota : DefaultQuota;

    /// <summary>Quota of a section that <see cref="Quotas"/> does not name.</summary>
    public const int DefaultQuota = 10;

    /// <value>
    /// Most papers and repositories (<c>标题：</c>/<c>链接：</c>, <c>项目：</c> lines) and most write-ups (<c>解读：</c>) one item of
    /// the markdown draft lists; the rest of its story is counted in one line. Default: <see cref="DefaultMaxLinksPerItem"/>.
    /// </value>
    /// <remarks>
    /// The editor's issues of 2019–2020 list at most four papers under one item; a flooded week's near-duplicate chains made
    /// one item of 710. The draft's data (<c>export --format json</c>, what publishing records) keeps them all.
    /// </remarks>
    public int MaxLinksPerItem { get; set; } = DefaultMaxLinksPerItem;

    /// <summary>The default of <see cref="MaxLinksPerItem"/>.</summary>
    public const int DefaultMaxLinksPerItem = 10;

    /// <value>Keep a section heading when it has no items. Default: true (the published issues always show all four).</value>
    public bool KeepEmptySections { get; set; } = true;

    /// <summary>The newsletter's sections, used when the configuration names none.</summary>
    public static IReadOnlyList<DraftSection> DefaultSections { get; } =
    [
        new() { Slug = "news", Name = "业界新闻", ShortName = "新闻" },
        new() { Slug = "papers", Name = "论文" },
        new() { Slug = "opensource", Name = "开源项目", ShortName = "开源", Note = "> 注：每条内容前缀为github地址的仓库拥有者和仓库名，补全地址后为`github.com/<repo_owner>/<repo_name>`。" },
        new() { Slug = "blogs", Name = "博文" },
    ];

    /// <summary>The configured sections, or <see cref="DefaultSections"/>.</summary>
    public IReadOnlyList<DraftSection> EffectiveSections => Sections.Count > 0 ? Sections : DefaultSections;

    /// <summary>Every accepted way to name a section (slug or display name) mapped to its slug.</summary>
    public IReadOnlyDictionary<string, string> SectionSlugs()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in EffectiveSections)
        {
            map[section.Slug] = section.Slug;
            map[section.Name] = section.Slug;
        }
        return map;
    }

    /// <summary>
    /// <see cref="SectionSlugs"/> for reading issues (the training corpus, <c>import-issue</c>): past issues carry the
    /// newsletter's own headings (<c>## 博文</c>), so a section whose heading was renamed here still reads them by its shipped
    /// name (<see cref="DefaultSections"/>, the same slug); without it their items belonged to no section and were dropped.
    /// </summary>
    public IReadOnlyDictionary<string, string> IssueSectionSlugs()
    {
        var map = new Dictionary<string, string>(SectionSlugs(), StringComparer.OrdinalIgnoreCase);
        foreach (var section in EffectiveSections)
        {
            if (DefaultSections.FirstOrDefault(d => d.Slug.Equals(section.Slug, StringComparison.OrdinalIgnoreCase)) is { } shipped)
                map.TryAdd(shipped.Name, section.Slug);
        }
        return map;
    }

    /// <summary>Resolves <see cref="TimeZone"/>.</summary>
    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Every problem with these settings, each naming its field.</summary>
    public IEnumerable<string> Validate()
    {
        string? zoneProblem = null;
        try { Zone(); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException) { zoneProblem = $"Draft:TimeZone: unknown time zone '{TimeZone}'"; }
        if (zoneProblem is not null) yield return zoneProblem;
        // Above 1: a keyword score, which builds before the relevance model read (their appsettings.json shipped 1.25).
        if (MinScore is { } minScore && (minScore is < 0 or > 1 || double.IsNaN(minScore)))
            yield return $"Draft:MinScore: expected a relevance from 0 to 1, or no value for the model's thresholds (got {minScore}" + (minScore > 1
                ? $": a keyword score, as builds before the relevance model of 2026-12-01 read it; the same threshold is {Tagging.Relevance.Format(Ranking.KeywordRelevance.FromKeywordScore(minScore))} now)"
                : ")");
        foreach (var (slug, quota) in Quotas)
        {
            if (quota < 0) yield return $"Draft:Quotas:{slug}: must not be negative";
            if (!EffectiveSections.Any(s => s.Slug.Equals(slug, StringComparison.OrdinalIgnoreCase))) yield return $"Draft:Quotas:{slug}: no such section (sections: {string.Join(", ", EffectiveSections.Select(s => s.Slug))})";
        }
        if (MaxLinksPerItem < 0) yield return "Draft:MaxLinksPerItem: must not be negative";
        var slugs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in Sections)
        {
            if (string.IsNullOrWhiteSpace(section.Slug) || string.IsNullOrWhiteSpace(section.Name))
                yield return "Draft:Sections: every section needs a Slug and a Name";
            else if (!slugs.Add(section.Slug))
                yield return $"Draft:Sections: slug '{section.Slug}' appears twice";
        }
    }
}
