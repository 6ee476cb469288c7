using System.Text.Json;
using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Sources;

/// <summary>Reads sources.json into <see cref="SourceDefinition"/>s, collecting every problem instead of stopping at the first.</summary>
/// <remarks>Each problem names the file, the source and the field: <c>sources.json: source 'jiqizhixin': schedule: …</c>.</remarks>
public sealed class SourceCatalog(IEnumerable<ISourceKind> kinds)
{
    private static readonly HashSet<string> CommonFields = new(StringComparer.Ordinal)
    {
        "id", "kind", "url", "schedule", "enabled", "section", "account", "include", "exclude", "politenessDelay", "timeout", "budget",
        "maxBytes", "allowPrivateNetwork", "weight", "comment", SourceHeaders.Field, SourceHeaders.EnvField,
    };

    // Longer waits and intervals are mistakes, and past these the timers and the schedule's dates overflow (a stack trace
    // at the first poll or at the daemon's start instead of a config problem). Fetching:TotalTimeout has the same 1 day cap.
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(366);

    private readonly Dictionary<string, ISourceKind> _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    /// <summary>The registered kinds, by name.</summary>
    public IReadOnlyDictionary<string, ISourceKind> Kinds => _kinds;

    /// <summary>Parses <paramref name="json"/>; <paramref name="sectionSlugs"/> maps every accepted section name (slug or display name) to its slug.</summary>
    /// <param name="scheduleProblem">Checks a schedule that is not an interval (the host validates cron syntax); returns a problem or null.</param>
    public (IReadOnlyList<SourceDefinition> Sources, IReadOnlyList<string> Problems) Parse(
        string json, string fileName, IReadOnlyDictionary<string, string> sectionSlugs, Func<string, string?> scheduleProblem)
    {
        var problems = new List<string>();
        var sources = new List<SourceDefinition>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return ([], [$"{fileName}: not valid JSON: {JsonSyntaxError.Describe(ex, json)}"]);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sources", out var list) || list.ValueKind != JsonValueKind.Array)
                return ([], [$"{fileName}: expected an object {{\"sources\": [ … ]}}"]);
            foreach (var property in root.EnumerateObject().Where(p => p.Name != "sources"))
                problems.Add($"{fileName}: unknown top-level key '{property.Name}'");

            var ids = new Dictionary<string, int>(StringComparer.Ordinal);   // id → the position of the first source with it
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                index++;
                var source = ReadSource(element, $"{fileName}: source #{index}", fileName, sectionSlugs, scheduleProblem, problems);
                // Whatever else is wrong with either source: said only once the rest was fixed, it cost the operator another round.
                // Both by position (as a source without a valid id is named): the id alone names either.
                if (IdOf(element) is { } id && !ids.TryAdd(id, index))
                    problems.Add($"{fileName}: source '{id}': id: source #{ids[id]} has it too (this is source #{index}); give each source its own id");
                if (source is not null) sources.Add(source);
            }
        }
        return (sources, problems);
    }

    /// <summary>The kinds' warnings about <paramref name="sources"/> (<see cref="ISourceKind.Warnings"/>), each naming file, source and field.</summary>
    /// An enabled source whose <c>headersEnv</c> this process cannot send is one too (<see cref="SourceHeaders.EnvironmentProblems"/>),
    /// and so is one that asks a loopback or private address without <c>allowPrivateNetwork</c> (<see cref="PrivateAddressWarning"/>).
    public IEnumerable<string> Warnings(IEnumerable<SourceDefinition> sources, string fileName) =>
        sources.Where(s => _kinds.ContainsKey(s.Kind)).SelectMany(s => _kinds[s.Kind].Warnings(s)
            .Concat(s.Enabled ? SourceHeaders.EnvironmentProblems(s).Select(p => p + "; the source's polls fail until it is set") : [])
            .Concat(s.Enabled && PrivateAddressWarning(s, _kinds[s.Kind]) is { } refused ? [refused] : [])
            .Select(w => $"{fileName}: source '{s.Id}': {w}"));

    // Every poll of it fails at run time (the fetcher's address guard) while validate said the config was fine. Only what the
    // addresses say themselves (localhost, an IP literal): validate resolves no names.
    private static string? PrivateAddressWarning(SourceDefinition source, ISourceKind kind) =>
        source.AllowPrivateNetwork || kind.Requests(source).FirstOrDefault(r => Fetching.AddressGuard.NamesPrivateAddress(r.Uri)) is not { } request
            ? null
            : $"allowPrivateNetwork: {request.Uri.GetLeftPart(UriPartial.Authority)} is a loopback or private address, which polls refuse; "
              + "set \"allowPrivateNetwork\": true on the source (a self-hosted mirror, an intranet feed)";

    // A misspelt kind names the one meant, as a misspelt field does; a feed's format ("rss", "atom") is kind feed, which a
    // spelling distance would not find ("rss" is closest to arxiv-rss, arXiv's own feeds).
    private string KindMeant(string kindName) => KindMeant(kindName, _kinds.Keys);

    /// <summary>
    /// <c>; did you mean …?</c> for a kind name that is none of <paramref name="kinds"/>: feed for a feed's format, else the
    /// kind names close to it (sources.json's kind and <c>import-opml --kind</c> say the same).
    /// </summary>
    public static string KindMeant(string kindName, IEnumerable<string> kinds) =>
        FeedFormats.Contains(kindName.Trim(), StringComparer.OrdinalIgnoreCase) ? "; did you mean feed? (any RSS, Atom or JSON Feed address)"
        : CloseNames.Meant(kindName, kinds);

    private static readonly string[] FeedFormats = ["rss", "atom", "rdf", "json", "jsonfeed", "json-feed", "xml"];

    // "; did you mean schedule?" for a misspelt field, as appsettings.json's keys and the template's members are named.
    private static string Meant(string field, ISourceKind kind) =>
        CloseNames.Meant(field, CommonFields.Concat(kind.Fields));

    // The source's id when it is a valid one (a string of letters, digits, '.', '_' or '-'), else null.
    private static string? IdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { } id && Regex.IsMatch(id, "^[A-Za-z0-9][A-Za-z0-9._-]*$") ? id : null;

    private SourceDefinition? ReadSource(JsonElement element, string position, string fileName, IReadOnlyDictionary<string, string> sectionSlugs,
        Func<string, string?> scheduleProblem, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{position}: expected an object");
            return null;
        }
        if (IdOf(element) is not { } id)
        {
            var given = element.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
            problems.Add($"{position}: id: required, letters, digits, '.', '_' or '-' (got {(given is null ? "nothing" : $"'{given}'")})");
            return null;
        }
        var where = $"{fileName}: source '{id}'";
        var count = problems.Count;
        void Problem(string field, string message) => problems.Add($"{where}: {field}: {message}");

        var kindName = element.TryGetProperty("kind", out var kindValue) && kindValue.ValueKind == JsonValueKind.String ? kindValue.GetString()! : "";
        _kinds.TryGetValue(kindName, out var kind);
        if (kind is null) Problem("kind", $"unknown kind '{kindName}' (known: {string.Join(", ", _kinds.Keys.Order())}){KindMeant(kindName)}");

        var settings = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (CommonFields.Contains(property.Name)) continue;
            if (kind is not null && kind.Fields.Contains(property.Name)) settings[property.Name] = property.Value.Clone();
            else if (kind is not null) Problem(property.Name, $"unknown field for kind '{kindName}'{Meant(property.Name, kind)}");
        }

        string? Text(string field)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            Problem(field, $"expected a string, got {value.ValueKind}");
            return null;
        }
        bool Flag(string field, bool fallback)
        {
            if (!element.TryGetProperty(field, out var value)) return fallback;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            Problem(field, $"expected true or false, got {value.ValueKind}");
            return fallback;
        }
        TimeSpan? Span(string field, bool positive = false)
        {
            var text = element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Text(field);
            if (text is null) return null;
            var span = Duration.TryParse(text);
            if (span is null) Problem(field, Duration.Problem(text));
            else if (positive && span <= TimeSpan.Zero) Problem(field, $"must be longer than zero, got {text}");
            else if (span > MaxWait) Problem(field, $"must be at most 1 day, got {text}");
            return span;
        }
        IReadOnlyList<string> Patterns(string field)
        {
            if (!element.TryGetProperty(field, out var value)) return [];
            var patterns = value.ValueKind switch
            {
                JsonValueKind.String => [value.GetString()!],
                JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) => value.EnumerateArray().Select(v => v.GetString()!).ToList(),
                _ => (List<string>?)null,
            };
            if (patterns is null)
            {
                Problem(field, "expected a regex or a list of regexes");
                return [];
            }
            foreach (var pattern in patterns)
            {
                try { _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
                catch (ArgumentException ex) { Problem(field, $"bad regex '{pattern}': {ex.Message}"); }
            }
            return patterns;
        }

        Uri? url = null;
        var badUrl = false;
        if (Text("url") is { } urlText)
        {
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                Problem("url", $"not an absolute http(s) URL: '{urlText}'");
                url = null;
                badUrl = true;
            }
        }
        var schedule = (element.TryGetProperty("schedule", out var scheduleValue) && scheduleValue.ValueKind == JsonValueKind.Number
            ? scheduleValue.GetRawText() : Text("schedule")) ?? SourceDefinition.DefaultSchedule;
        if (Duration.TryParse(schedule) is { } interval)
        {
            if (interval < TimeSpan.FromMinutes(1)) Problem("schedule", $"interval {schedule} is shorter than a minute");
            else if (interval > MaxInterval) Problem("schedule", $"interval {schedule} is longer than a year");
        }
        else if (!schedule.Trim().Contains(' '))   // one word: meant as an interval (a cron expression has 6 or 7 fields)
        {
            Problem("schedule", $"{Duration.Problem(schedule)}, or as a Quartz cron expression");
        }
        else if (scheduleProblem(schedule) is { } scheduleError)
        {
            Problem("schedule", scheduleError);
        }
        string? section = null;
        if (Text("section") is { } sectionText)
        {
            if (sectionSlugs.TryGetValue(sectionText, out var slug)) section = slug;
            else Problem("section", $"unknown section '{sectionText}' (known: {string.Join(", ", sectionSlugs.Keys.Order())})");
        }
        long? maxBytes = null;
        if (element.TryGetProperty("maxBytes", out var maxValue))
        {
            if (maxValue.ValueKind == JsonValueKind.Number && maxValue.TryGetInt64(out var n) && n > 0) maxBytes = n;
            else Problem("maxBytes", "expected a positive whole number of bytes");
        }
        double weight = 0;
        if (element.TryGetProperty("weight", out var weightValue))
        {
            // 1e400 reads as infinity, which no score survives (as tags.json's weights, Taxonomy).
            if (weightValue.ValueKind != JsonValueKind.Number || !weightValue.TryGetDouble(out weight) || !double.IsFinite(weight))
                Problem("weight", "expected a number");
        }
        var (headers, headersEnv) = SourceHeaders.Read(element, Problem);

        var source = new SourceDefinition
        {
            Id = id,
            Kind = kindName,
            Url = url,
            Schedule = schedule,
            Enabled = Flag("enabled", true),
            Section = section,
            // Blank is not set, as a WeChat account's "name": Liquid takes "" as true, and every item read "[title | ](url)".
            Account = Text("account") is { } account && !string.IsNullOrWhiteSpace(account) ? account.Trim() : null,
            Include = Patterns("include"),
            Exclude = Patterns("exclude"),
            PolitenessDelay = Span("politenessDelay"),
            Timeout = Span("timeout", positive: true),
            PollBudget = Span("budget", positive: true),
            MaxBytes = maxBytes,
            AllowPrivateNetwork = Flag("allowPrivateNetwork", false),
            Weight = weight,
            Headers = headers,
            HeadersEnv = headersEnv,
            Settings = settings,
        };
        if (kind is not null && !badUrl)   // a kind's "url required" would repeat the url problem
        {
            foreach (var problem in kind.Validate(source))
                problems.Add($"{where}: {problem}");
        }
        return problems.Count == count ? source : null;
    }
}
