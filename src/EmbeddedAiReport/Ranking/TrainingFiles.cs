using System.Text.Json;
using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>Reads labelled examples from files: past issues (positives), floods of unpicked items and off-topic posts (negatives).</summary>
public static class TrainingFiles
{
    /// <summary>Every item of <paramref name="issues"/> as a relevant example, grouped by issue.</summary>
    public static IEnumerable<RankingExample> Positives(IEnumerable<CorpusIssue> issues) =>
        issues.SelectMany(issue => issue.Items.Select(item => new RankingExample(item.Entry, true, issue.Name, item.Section)));

    /// <summary>
    /// Reads a JSON-lines file of real items nobody picked: <c>{"kind": "arxiv", "id", "title", "summary"}</c> (an arXiv paper)
    /// or <c>{"title", "summary", "account"}</c> (a WeChat article of that account); each becomes the entry its source would
    /// deliver. Returns the records in file order, or the problem (naming the file and line).
    /// </summary>
    public static (IReadOnlyList<CandidateEntry> Entries, string? Problem) ReadFlood(string path)
    {
        var entries = new List<CandidateEntry>();
        var lineNumber = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                // An off-topic file ([title, summary] pairs) given for a JSON-lines one parses too, as an array.
                if (root.ValueKind != JsonValueKind.Object)
                    return (entries, $"{path}: line {lineNumber}: expected an object {{\"title\": …, \"summary\": …}}, got {root.ValueKind}");
                var title = Text(root, "title");
                if (title.Length == 0) return (entries, $"{path}: line {lineNumber}: a record needs a title");
                var summary = Text(root, "summary");
                entries.Add(Text(root, "kind") == "arxiv" && ArxivId.TryParse(Text(root, "id")) is { } id
                    ? Paper(id.Base, title, summary)
                    : Post(title, summary, Text(root, "account") is { Length: > 0 } account ? account : null, $"flood{lineNumber}"));
            }
            return (entries, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Not opened (missing, a folder, a mode this user may not read): no line to name.
            return (entries, lineNumber == 0 ? $"{path}: cannot be read: {ex.Message}" : $"{path}: line {lineNumber}: {ex.Message}");
        }
    }

    /// <summary>Reads a JSON list of <c>[title, summary]</c> pairs (off-topic posts) as WeChat posts; none and the problem when malformed.</summary>
    public static (IReadOnlyList<CandidateEntry> Entries, string? Problem) ReadOffTopic(string path)
    {
        try
        {
            var pairs = JsonSerializer.Deserialize(File.ReadAllText(path), CoreJson.Default.StringArrayArray) ?? [];
            var entries = new List<CandidateEntry>(pairs.Length);
            for (var i = 0; i < pairs.Length; i++)
            {
                if (pairs[i] is not [{ } title, { } summary])
                    return ([], $"{path}: pair {i + 1}: expected [title, summary], two strings");
                entries.Add(Post(title, summary, null, $"offtopic{i}"));
            }
            return (entries, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ([], $"{path}: cannot be read: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return ([], $"{path}: expected a JSON list of [title, summary] pairs: {ex.Message}");
        }
    }

    /// <summary>An arXiv paper as the arXiv kinds deliver it.</summary>
    public static CandidateEntry Paper(string id, string title, string summary)
    {
        var text = TextCleaner.CollapseWhiteSpace(summary);
        var key = $"arxiv:{id}";
        return new CandidateEntry
        {
            CanonicalKey = key,
            Url = $"https://arxiv.org/abs/{id}",
            Title = TextCleaner.CollapseWhiteSpace(title),
            Summary = TextCleaner.Truncate(text, RankingFeatures.SummaryChars),
            Section = "papers",
            Links = Mentions.Find(key, title, text),
        };
    }

    /// <summary>A WeChat article as a mirror delivers it.</summary>
    public static CandidateEntry Post(string title, string summary, string? account, string code)
    {
        var key = $"wx:{code}";
        return new CandidateEntry
        {
            CanonicalKey = key,
            Url = $"https://mp.weixin.qq.com/s/{code}",
            Title = title.Trim(),
            Summary = TextCleaner.Truncate(TextCleaner.CollapseWhiteSpace(summary), RankingFeatures.SummaryChars),
            Account = account,
            Links = Mentions.Find(key, title, summary),
        };
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
}
