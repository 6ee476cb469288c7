using System.Text.Json;

namespace EmbeddedAiReport.Sources.WeChat;

/// <summary>The <c>wechat-mirror</c> fields of one source, read and checked.</summary>
internal sealed record WeChatMirrorSettings
{
    public const string MirrorField = "mirror";
    public const string FlavorField = "flavor";
    public const string FormatField = "format";
    public const string AccountsField = "accounts";
    public const string EnrichField = "enrich";
    public const string EnrichLimitField = "enrichLimit";
    public const string EnrichBackoffField = "enrichBackoff";
    public const string StaleAfterField = "staleAfter";

    public static readonly IReadOnlyCollection<string> Fields =
        [MirrorField, FlavorField, FormatField, AccountsField, EnrichField, EnrichLimitField, EnrichBackoffField, StaleAfterField];

    /// <summary>Default cadence: the accounts in the past issues post daily, so three quiet days mean the mirror is stuck.</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromDays(3);

    /// <summary>Default pause of page fetches after an anti-bot page: WeChat's bans ("小黑屋") last about a day.</summary>
    public static readonly TimeSpan DefaultEnrichBackoff = TimeSpan.FromHours(12);

    /// <summary>Default article pages fetched per poll when enrichment is on; with the 5 s host gap, under a minute.</summary>
    public const int DefaultEnrichLimit = 5;

    private const int MaxEnrichLimit = 50;

    private static readonly Dictionary<string, MirrorFlavor> Flavors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["wewe-rss"] = MirrorFlavor.WeweRss, ["rsshub"] = MirrorFlavor.RssHub, ["wechat2rss"] = MirrorFlavor.Wechat2Rss,
    };

    private static readonly string[] Formats = ["rss", "atom", "json"];

    public Uri? Mirror { get; init; }
    public MirrorFlavor Flavor { get; init; }
    public string Format { get; init; } = "rss";
    public IReadOnlyList<MirrorAccount> Accounts { get; init; } = [];
    public bool Enrich { get; init; }
    public int EnrichLimit { get; init; } = DefaultEnrichLimit;
    public TimeSpan EnrichBackoff { get; init; } = DefaultEnrichBackoff;
    public TimeSpan StaleAfter { get; init; } = DefaultStaleAfter;

    /// <summary>Reads the fields of <paramref name="source"/>, adding every problem (each naming its field) to <paramref name="problems"/>.</summary>
    public static WeChatMirrorSettings Read(SourceDefinition source, ICollection<string> problems)
    {
        Uri? mirror = null;
        if (source.GetString(MirrorField) is { } mirrorText)
        {
            if (!Uri.TryCreate(mirrorText, UriKind.Absolute, out mirror) || mirror.Scheme is not ("http" or "https"))
            {
                problems.Add($"{MirrorField}: not an absolute http(s) URL: '{mirrorText}' (the mirror's base address, e.g. https://wewe.example.org)");
                mirror = null;
            }
        }

        var flavor = MirrorFlavor.WeweRss;
        if (source.GetString(FlavorField) is { } flavorText && !Flavors.TryGetValue(flavorText, out flavor))
            problems.Add($"{FlavorField}: unknown mirror flavor '{flavorText}' (known: {string.Join(", ", Flavors.Keys)})");

        var format = source.GetString(FormatField) ?? "rss";
        if (!Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            problems.Add($"{FormatField}: unknown format '{format}' (known: {string.Join(", ", Formats)})");

        var accounts = ReadAccounts(source, problems);

        var limit = source.GetInt(EnrichLimitField, DefaultEnrichLimit);
        if (source.Settings.ContainsKey(EnrichLimitField) && (limit is < 0 or > MaxEnrichLimit || source.Settings[EnrichLimitField].ValueKind != JsonValueKind.Number))
            problems.Add($"{EnrichLimitField}: expected a whole number from 0 to {MaxEnrichLimit} (pages fetched per poll)");

        if (source.Settings.TryGetValue(EnrichField, out var enrich) && enrich.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            problems.Add($"{EnrichField}: expected true or false");

        return new WeChatMirrorSettings
        {
            Mirror = mirror,
            Flavor = flavor,
            Format = format.ToLowerInvariant(),
            Accounts = accounts,
            Enrich = source.GetBool(EnrichField, false),
            EnrichLimit = Math.Clamp(limit, 0, MaxEnrichLimit),
            EnrichBackoff = ReadSpan(source, EnrichBackoffField, DefaultEnrichBackoff, problems),
            StaleAfter = ReadSpan(source, StaleAfterField, DefaultStaleAfter, problems),
        };
    }

    /// <summary>The feed address of <paramref name="account"/> on <see cref="Mirror"/>.</summary>
    public Uri FeedUri(MirrorAccount account)
    {
        var baseUri = new Uri(Mirror!.AbsoluteUri.TrimEnd('/') + "/");
        var feed = account.Feed.Trim('/');
        var relative = Flavor switch
        {
            MirrorFlavor.WeweRss => $"feeds/{Uri.EscapeDataString(feed)}.{Format}",
            MirrorFlavor.RssHub => feed.Contains('/') ? feed : $"wechat/wechat2rss/{Uri.EscapeDataString(feed)}",
            MirrorFlavor.Wechat2Rss => $"feed/{Uri.EscapeDataString(feed)}.xml",
            _ => throw new InvalidOperationException($"unhandled flavor {Flavor}"),
        };
        return new Uri(baseUri, relative);
    }

    // "accounts": ["MP_WXS_1", {"feed": "MP_WXS_2", "name": "机器之心"}]
    private static List<MirrorAccount> ReadAccounts(SourceDefinition source, ICollection<string> problems)
    {
        var accounts = new List<MirrorAccount>();
        if (!source.Settings.TryGetValue(AccountsField, out var value)) return accounts;
        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{AccountsField}: expected a list of feed ids or {{\"feed\": …, \"name\": …}} objects");
            return accounts;
        }
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            index++;
            switch (element.ValueKind)
            {
                case JsonValueKind.String when !string.IsNullOrWhiteSpace(element.GetString()):
                    accounts.Add(new MirrorAccount(element.GetString()!.Trim(), null));
                    break;
                case JsonValueKind.Object:
                    var feed = element.TryGetProperty("feed", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()?.Trim() : null;
                    var name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()?.Trim() : null;
                    var unknown = element.EnumerateObject().Select(p => p.Name).Where(p => p is not ("feed" or "name")).ToList();
                    if (string.IsNullOrEmpty(feed)) problems.Add($"{AccountsField}[{index}]: feed: required (the account's feed id on the mirror)");
                    else accounts.Add(new MirrorAccount(feed, string.IsNullOrEmpty(name) ? null : name));
                    foreach (var key in unknown) problems.Add($"{AccountsField}[{index}]: unknown field '{key}' (known: feed, name)");
                    break;
                default:
                    problems.Add($"{AccountsField}[{index}]: expected a feed id or {{\"feed\": …, \"name\": …}}");
                    break;
            }
        }
        var duplicates = accounts.GroupBy(a => a.Feed, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var duplicate in duplicates) problems.Add($"{AccountsField}: feed '{duplicate}' is listed twice");
        return accounts;
    }

    private static TimeSpan ReadSpan(SourceDefinition source, string field, TimeSpan fallback, ICollection<string> problems)
    {
        if (!source.Settings.TryGetValue(field, out var value)) return fallback;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (Duration.TryParse(text) is { } span && span > TimeSpan.Zero) return span;
        problems.Add(text is not null && Duration.TryParse(text) is null
            ? $"{field}: {Duration.Problem(text)}"
            : $"{field}: not a positive duration: '{text ?? value.ValueKind.ToString()}' (write it as {Duration.Forms})");
        return fallback;
    }
}
