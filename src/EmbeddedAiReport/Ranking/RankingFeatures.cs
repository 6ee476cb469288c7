using EmbeddedAiReport.Normalizing;
using EmbeddedAiReport.Tagging;

namespace EmbeddedAiReport.Ranking;

/// <summary>What the relevance model reads of an entry: bilingual text n-grams, the taxonomy's tags, what the entry is and links to, and its account.</summary>
/// <remarks>
/// <para>Text: English becomes lower-cased words (plural folded, stop words and bare numbers dropped) and word bigrams;
/// Chinese becomes character bigrams, which needs no word segmenter. Title and whole text (title + the first
/// <see cref="SummaryChars"/> of the summary) are separate blocks, each L2-normalized, so a long abstract does not drown
/// its title and every entry weighs the same whatever its length. Presence, not counts.</para>
/// <para>Structured features: the taxonomy's tags (by how often their terms occur, up to
/// <see cref="TagOccurrencesCounted"/>, and whether the title carries them), links to papers and code, the account.
/// Nothing identifies one item: no URL, no id, no whole title, so the model learns what the editor picks, not which
/// items. Nor does it read the kind of entry: every unpicked example a new user's model learns from is an arXiv paper or a
/// post, so "a blog page" would only learn "not in the unpicked files".</para>
/// <para>Features are hashed (FNV-1a over a one-letter namespace and the text), so extraction allocates no strings;
/// <see cref="Named"/> gives the readable names for explanations.</para>
/// </remarks>
internal static class RankingFeatures
{
    /// <summary>Characters of the summary read, as much as the sources keep.</summary>
    public const int SummaryChars = 400;

    /// <summary>The constant feature.</summary>
    public static readonly int Bias = Hash('B', "");

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "for", "from", "has", "have", "how", "in", "into",
        "is", "it", "its", "of", "on", "or", "our", "than", "that", "the", "their", "them", "these", "this", "those", "to", "via",
        "was", "we", "were", "what", "when", "which", "while", "with", "without", "you", "your", "also", "such", "both", "more",
        "most", "other", "some", "there", "they", "then", "thus", "not", "no", "all", "any", "each", "only", "one", "two", "new",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Appends the hashed features of <paramref name="entry"/> to <paramref name="features"/>, each once.</summary>
    /// <param name="tags">The entry's tags (title and summary).</param>
    /// <param name="titleTags">The tags its title alone carries.</param>
    public static void Extract(CandidateEntry entry, IReadOnlyList<TagOccurrence> tags, List<(int Feature, float Value)> features)
    {
        var block = t_block ??= new Block();
        block.Names = null;
        Visit(entry, tags, features, block);
    }

    /// <summary>The features of <paramref name="entry"/> with readable names (for <c>entries --explain</c>), deduplicated.</summary>
    public static IReadOnlyList<(int Feature, string Name, float Value)> Named(CandidateEntry entry, IReadOnlyList<TagOccurrence> tags)
    {
        var features = new List<(int Feature, float Value)>();
        var block = new Block { Names = [] };
        Visit(entry, tags, features, block);
        var names = block.Names;
        return features.Select((f, i) => (f.Feature, names[i], f.Value)).ToList();
    }

    [ThreadStatic]
    private static Block? t_block;

    /// <summary>Occurrences of a tag's terms that count fully: one incidental mention is a third of a tag, three make it.</summary>
    public const int TagOccurrencesCounted = 3;

    private static void Visit(CandidateEntry entry, IReadOnlyList<TagOccurrence> tags, List<(int Feature, float Value)> features, Block block)
    {
        void Add(char space, ReadOnlySpan<char> name, float value = 1f)
        {
            features.Add((Hash(space, name), value));
            block.Names?.Add($"{Describe(space)} {name}");
        }

        Add('B', "");
        // Each feature once: links by kind, tags by name, text features per block (Block keeps them distinct).
        bool arxiv = false, github = false;
        foreach (var link in entry.Links)
        {
            if (link.Kind == "arxiv" && !arxiv) { arxiv = true; Add('L', link.Kind); }
            if (link.Kind == "github" && !github) { github = true; Add('L', link.Kind); }
        }
        if (!string.IsNullOrWhiteSpace(entry.Account)) Add('A', entry.Account.AsSpan().Trim());
        foreach (var tag in tags)
        {
            // An abstract that mentions pruning once is not a pruning paper: a tag weighs by how often its terms occur.
            Add('G', tag.Tag.Name, Math.Min(tag.Total, TagOccurrencesCounted) / (float)TagOccurrencesCounted);
            if (tag.InTitle > 0) Add('g', tag.Tag.Name);
        }

        var summary = entry.Summary.AsSpan(0, Math.Min(entry.Summary.Length, SummaryChars));
        block.Start('T');
        block.Tokens(entry.Title);
        block.Flush(features);
        block.Start('W');
        block.Tokens(entry.Title);
        block.Break();
        block.Tokens(summary);
        block.Flush(features);
    }

    private static string Describe(char space) => space switch
    {
        'B' => "bias",
        'L' => "links to",
        'A' => "account",
        'G' => "tag",
        'g' => "tag in title",
        'T' => "title",
        't' => "title",
        'W' => "text",
        'w' => "text",
        _ => space.ToString(),
    };

    // One text block: words, word bigrams and CJK bigrams, each present once, then scaled to unit L2 length.
    private sealed class Block
    {
        private readonly List<int> _hashes = new(512);
        private readonly HashSet<int> _seen = new(512);
        private readonly List<string> _pending = [];
        private readonly char[] _previous = new char[32];
        private int _previousLength;
        private char _space;

        /// <summary>Readable names of the features emitted so far, when explaining; null on the ingest path.</summary>
        public List<string>? Names { get; set; }

        public void Start(char space)
        {
            _space = space;
            _hashes.Clear();
            _seen.Clear();
            _pending.Clear();
            _previousLength = 0;
        }

        public void Break() => _previousLength = 0;

        public void Tokens(ReadOnlySpan<char> text)
        {
            Span<char> word = stackalloc char[32];
            var i = 0;
            while (i < text.Length)
            {
                var c = Fold(text[i]);
                if (char.IsAsciiLetterOrDigit(c))
                {
                    var length = 0;
                    var letters = false;
                    while (i < text.Length && char.IsAsciiLetterOrDigit(c = Fold(text[i])))
                    {
                        if (length < word.Length) word[length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                        letters |= char.IsAsciiLetter(c);
                        i++;
                    }
                    var token = Stem(word[..length]);
                    if (!letters || token.Length < 2 || StopWordLookup.Contains(token)) Break();
                    else Word(token);
                }
                else if (IsCjk(c))
                {
                    Break();
                    if (i + 1 < text.Length && IsCjk(text[i + 1])) Add(Hash(_space, text.Slice(i, 2)), text.Slice(i, 2), default);
                    i++;
                }
                else
                {
                    // Hyphens and slashes join words ("low-bit", "TensorFlow/Lite"); other punctuation ends a phrase.
                    if (!char.IsWhiteSpace(c) && c is not ('-' or '/')) Break();
                    i++;
                }
            }
            Break();
        }

        public void Flush(List<(int Feature, float Value)> features)
        {
            if (_hashes.Count == 0) return;
            var value = (float)(1 / Math.Sqrt(_hashes.Count));
            foreach (var hash in _hashes) features.Add((hash, value));
            Names?.AddRange(_pending);
        }

        private void Word(ReadOnlySpan<char> word)
        {
            Add(Hash(_space, word), word, default);
            if (_previousLength > 0)
                Add(Hash(char.ToLowerInvariant(_space) == _space ? char.ToUpperInvariant(_space) : char.ToLowerInvariant(_space), _previous.AsSpan(0, _previousLength), ' ', word),
                    _previous.AsSpan(0, _previousLength), word);
            word.CopyTo(_previous);
            _previousLength = word.Length;
        }

        private void Add(int hash, ReadOnlySpan<char> name, ReadOnlySpan<char> second)
        {
            if (!_seen.Add(hash)) return;
            _hashes.Add(hash);
            if (Names is not null) _pending.Add(second.IsEmpty ? $"{Describe(_space)} {name}" : $"{Describe(_space)} \"{name} {second}\"");
        }
    }

    // Plural folding only: "networks" and "network" are one feature; stems beyond that blur more than they join.
    private static ReadOnlySpan<char> Stem(Span<char> word)
    {
        if (word.Length > 4 && word.EndsWith("ies")) { word[^3] = 'y'; return word[..^2]; }
        if (word.Length > 3 && word[^1] == 's' && word[^2] is not ('s' or 'u' or 'i')) return word[..^1];
        return word;
    }

    // Full-width ASCII (ＮＰＵ, ＩＮＴ８) as ASCII.
    private static char Fold(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;

    internal static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    internal static int Hash(char space, ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        hash = (hash ^ space) * 16777619u;
        foreach (var c in text) hash = (hash ^ InvariantCase.Lower(c)) * 16777619u;
        return (int)hash;
    }

    private static int Hash(char space, ReadOnlySpan<char> first, char separator, ReadOnlySpan<char> second)
    {
        var hash = 2166136261u;
        hash = (hash ^ space) * 16777619u;
        foreach (var c in first) hash = (hash ^ InvariantCase.Lower(c)) * 16777619u;
        hash = (hash ^ separator) * 16777619u;
        foreach (var c in second) hash = (hash ^ InvariantCase.Lower(c)) * 16777619u;
        return (int)hash;
    }
}
