using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tagging;

/// <summary>Finds the tags of a text in one pass: every term of every tag in a single Aho–Corasick automaton.</summary>
/// <remarks>
/// Latin terms must stand as whole words (the characters around them are not ASCII letters or digits, so "NPU芯片"
/// still matches NPU) and also match their plural, -ing and -ed forms; CJK terms match as substrings, which needs
/// no word segmenter. Matching is case-insensitive, but for the letters of an <see cref="TagDefinition.EnglishExact"/> term,
/// which must stand in the text as written. Thread-safe: the automaton is immutable after construction.
/// </remarks>
public sealed class TagMatcher
{
    internal const RegexOptions PatternOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    // Regex patterns come from ops; one that backtracks badly must not stall ingestion.
    internal const int PatternTimeoutMilliseconds = 100;

    private readonly TagDefinition[] _tags;
    private readonly Dictionary<long, int> _next = [];
    private readonly int[] _fail;
    private readonly Term[][] _outputs;
    // Compiled on first use: compiling emits and JITs code, which a command that tags nothing (an all-304 poll, an export)
    // would pay at start for nothing.
    private readonly Lazy<(int Tag, Regex Pattern)[]> _patterns;
    // The transitions again, for the scan loops: the root's by character, the others in an open-addressing table.
    private readonly int[] _rootNext = new int[char.MaxValue + 1];
    private readonly long[] _keys;
    private readonly int[] _targets;
    // One bit per UTF-16 code unit: set when some term (lower-cased) contains it.
    private readonly ulong[] _alphabet = new ulong[(char.MaxValue + 1) / 64];
    // The automaton as a table for ASCII, failure links followed in advance: _asciiNext[state * _asciiWidth + class] is
    // Step(state, c) for the characters c of that class (an ASCII character some term contains: its own class; any other:
    // class 0, the root). Most of the text tagged is ASCII, where following failure links through the hashed transitions cost
    // most of a scan (the shipped taxonomy: 5,907 states × 40 classes, 461 KiB; tag matching of an arXiv abstract 2.6×
    // faster). Null when the states do not fit 16 bits (Step then serves every character).
    private readonly byte[] _asciiClass = new byte[128];
    private readonly int _asciiWidth;
    private readonly ushort[]? _asciiNext;

    public TagMatcher(IReadOnlyList<TagDefinition> tags)
    {
        _tags = [.. tags];
        var outputs = new List<List<Term>> { new() };
        var children = new List<List<(char Char, int State)>> { new() };
        for (var t = 0; t < _tags.Length; t++) AddTerms(t, outputs, children);
        _fail = new int[outputs.Count];
        var breadthFirst = LinkFailures(outputs, children);
        _outputs = outputs.Select(o => o.ToArray()).ToArray();
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, _next.Count * 2));
        (_keys, _targets) = (new long[size], new int[size]);
        HashTransitions();
        _asciiWidth = ClassifyAscii();
        _asciiNext = _outputs.Length <= ushort.MaxValue + 1 ? AsciiTable(breadthFirst, children) : null;
        _patterns = new(() => _tags
            .Select((tag, index) => (index, tag.Patterns))
            .Where(p => p.Patterns.Count > 0)
            .Select(p => (p.index, Compile(Joined(p.Patterns))))
            .ToArray());
    }

    // Every form of every term of tag `t` into the trie: `outputs` the terms ending at each state, `children` its transitions.
    private void AddTerms(int t, List<List<Term>> outputs, List<List<(char Char, int State)>> children)
    {
        var tag = _tags[t];
        foreach (var term in tag.English.SelectMany(WordForms).Distinct()) Add(term, new Term(t, term.Length, WholeWord: true, Negative: false));
        foreach (var exact in tag.EnglishExact)
            foreach (var term in WordForms(exact).Distinct()) Add(term, new Term(t, term.Length, WholeWord: true, Negative: false, Cased: exact));
        foreach (var term in tag.Chinese) Add(term, new Term(t, term.Length, WholeWord: !HasCjk(term), Negative: false));
        foreach (var term in tag.Negative) Add(term, new Term(t, term.Length, WholeWord: !HasCjk(term), Negative: true));

        void Add(string term, Term info)
        {
            var state = 0;
            foreach (var raw in term)
            {
                var c = char.ToLowerInvariant(raw);
                _alphabet[c >> 6] |= 1UL << c;
                if (!_next.TryGetValue(Key(state, c), out var next))
                {
                    next = outputs.Count;
                    outputs.Add([]);
                    children.Add([]);
                    children[state].Add((c, next));
                    _next[Key(state, c)] = next;
                }
                state = next;
            }
            outputs[state].Add(info);
        }
    }

    // Breadth-first: a state's failure link is the longest proper suffix of its path that is also a path, and it ends the
    // terms its failure state ends too. Returns every state but the root, in the order the queue served them.
    private List<int> LinkFailures(List<List<Term>> outputs, List<List<(char Char, int State)>> children)
    {
        var queue = new Queue<int>();
        var breadthFirst = new List<int>(outputs.Count);
        foreach (var (_, state) in children[0]) Visit(state);
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            foreach (var (c, child) in children[state])
            {
                var f = _fail[state];
                while (f != 0 && !_next.ContainsKey(Key(f, c))) f = _fail[f];
                _fail[child] = _next.TryGetValue(Key(f, c), out var target) && target != child ? target : 0;
                outputs[child].AddRange(outputs[_fail[child]]);
                Visit(child);
            }
        }
        return breadthFirst;

        void Visit(int state)
        {
            queue.Enqueue(state);
            breadthFirst.Add(state);
        }
    }

    // The transitions again, for the scan loops: the root's into _rootNext by character, the others into _keys/_targets.
    private void HashTransitions()
    {
        foreach (var (key, target) in _next)
        {
            if (key >> 16 == 0)
            {
                _rootNext[(char)key] = target;
                continue;
            }
            var slot = Slot(key);
            while (_keys[slot] != 0) slot = (slot + 1) & (_keys.Length - 1);
            (_keys[slot], _targets[slot]) = (key, target);
        }
    }

    // A class per ASCII character some term contains (from 1; 0 for all others); returns how many classes, 0 included.
    private int ClassifyAscii()
    {
        var width = 1;
        for (var c = 0; c < 128; c++)
            if ((_alphabet[c >> 6] & (1UL << c)) != 0) _asciiClass[c] = (byte)width++;
        return width;
    }

    // Row by row, breadth-first, so a state's failure state (shallower) has its row already: a state goes where its own
    // transition leads, else where its failure state goes; the root where its transition leads, else to itself.
    private ushort[] AsciiTable(List<int> breadthFirst, List<List<(char Char, int State)>> children)
    {
        var table = new ushort[_outputs.Length * _asciiWidth];
        for (var c = 0; c < 128; c++)
            if (_asciiClass[c] != 0) table[_asciiClass[c]] = (ushort)_rootNext[c];
        foreach (var state in breadthFirst)
        {
            table.AsSpan(_fail[state] * _asciiWidth, _asciiWidth).CopyTo(table.AsSpan(state * _asciiWidth));
            foreach (var (c, child) in children[state])
                if (c < 128) table[state * _asciiWidth + _asciiClass[c]] = (ushort)child;
        }
        return table;
    }

    /// <summary>A tag's patterns as one regular expression: each in a non-capturing group, as alternatives.</summary>
    internal static string Joined(IEnumerable<string> patterns) => string.Join('|', patterns.Select(p => $"(?:{p})"));

    // The shipped taxonomy's patterns were compiled with the product; others are compiled now (interpreted by the native binary).
    private static Regex Compile(string joined) =>
        ShippedPatterns.For(joined) ?? new Regex(joined, PatternOptions | RegexOptions.Compiled, TimeSpan.FromMilliseconds(PatternTimeoutMilliseconds));

    /// <summary>The tags found in <paramref name="texts"/>, in taxonomy order; a tag with a negative term present is left out.</summary>
    public IReadOnlyList<TagDefinition> Match(params ReadOnlySpan<string?> texts)
    {
        if (_tags.Length == 0) return [];
        Span<byte> hits = _tags.Length <= 256 ? stackalloc byte[_tags.Length] : new byte[_tags.Length];
        hits.Clear();
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            Scan(text, hits);
            foreach (var (tag, pattern) in _patterns.Value)
            {
                if ((hits[tag] & Positive) != 0) continue;
                try
                {
                    if (pattern.IsMatch(text)) hits[tag] |= Positive;
                }
                catch (RegexMatchTimeoutException)
                {
                    // Counted as no match: a slow pattern loses its tag on this text rather than stalling the poll.
                }
            }
        }
        var found = new List<TagDefinition>();
        for (var t = 0; t < hits.Length; t++)
            if (hits[t] == Positive) found.Add(_tags[t]);
        return found;
    }

    private const byte Positive = 1;
    private const byte Vetoed = 2;

    /// <summary>
    /// How often each tag's terms occur in <paramref name="title"/> and in <paramref name="summary"/> (a pattern counts once
    /// per text); tags vetoed by a negative term in either text, or with no hit, are left out. Taxonomy order.
    /// </summary>
    public IReadOnlyList<TagOccurrence> Occurrences(string? title, string? summary)
    {
        if (_tags.Length == 0) return [];
        Span<int> inTitle = _tags.Length <= 256 ? stackalloc int[_tags.Length] : new int[_tags.Length];
        Span<int> inSummary = _tags.Length <= 256 ? stackalloc int[_tags.Length] : new int[_tags.Length];
        Span<byte> vetoed = _tags.Length <= 256 ? stackalloc byte[_tags.Length] : new byte[_tags.Length];
        inTitle.Clear();
        inSummary.Clear();
        vetoed.Clear();
        Count(title, inTitle, vetoed);
        Count(summary, inSummary, vetoed);
        // Counted first so that the list is allocated once at its size (every entry of a poll comes here).
        var present = 0;
        for (var t = 0; t < _tags.Length; t++)
            if (vetoed[t] == 0 && inTitle[t] + inSummary[t] > 0) present++;
        if (present == 0) return [];
        var found = new List<TagOccurrence>(present);
        for (var t = 0; t < _tags.Length; t++)
            if (vetoed[t] == 0 && inTitle[t] + inSummary[t] > 0) found.Add(new TagOccurrence(_tags[t], inTitle[t], inSummary[t]));
        return found;
    }

    private void Count(string? text, Span<int> counts, Span<byte> vetoed)
    {
        if (string.IsNullOrEmpty(text)) return;
        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            state = Next(state, InvariantCase.Lower(text[i]));
            foreach (var term in _outputs[state])
            {
                if (!Stands(text, term, i)) continue;
                if (term.Negative) vetoed[term.Tag] = 1;
                else counts[term.Tag]++;
            }
        }
        foreach (var (tag, pattern) in _patterns.Value)
        {
            if (counts[tag] > 0) continue;
            try
            {
                if (pattern.IsMatch(text)) counts[tag]++;
            }
            catch (RegexMatchTimeoutException)
            {
                // As in Match: a slow pattern loses its tag on this text.
            }
        }
    }

    private void Scan(string text, Span<byte> hits)
    {
        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            state = Next(state, InvariantCase.Lower(text[i]));
            foreach (var term in _outputs[state])
            {
                if (!Stands(text, term, i)) continue;
                hits[term.Tag] |= term.Negative ? Vetoed : Positive;
            }
        }
    }

    // The state after c (lower-cased): from the ASCII table, else through Step; a character no term contains has no
    // transition from any state, straight back to the root.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next(int state, char c)
    {
        if (c < 128 && _asciiNext is { } table) return table[state * _asciiWidth + _asciiClass[c]];
        return (_alphabet[c >> 6] & (1UL << c)) == 0 ? 0 : Step(state, c);
    }

    // Follows failure links until a state has a transition on c; the root without one stays at the root.
    private int Step(int state, char c)
    {
        while (state != 0)
        {
            var key = Key(state, c);
            for (var slot = Slot(key); _keys[slot] != 0; slot = (slot + 1) & (_keys.Length - 1))
                if (_keys[slot] == key) return _targets[slot];
            state = _fail[state];
        }
        return _rootNext[c];
    }

    private int Slot(long key) => (int)((ulong)(key * -7046029254386353131L) >> 40) & (_keys.Length - 1);

    // Whether the term that ends at text[end] stands there: as a whole word when it must be one, its letters in the case
    // written for an enExact term (the automaton saw the text lower-cased).
    private static bool Stands(string text, Term term, int end)
    {
        var start = end - term.Length + 1;
        if (term.WholeWord && !(Boundary(text, start - 1) && Boundary(text, end + 1))) return false;
        return term.Cased is not { } cased || text.AsSpan(start, cased.Length).SequenceEqual(cased);
    }

    private static bool Boundary(string text, int index) => index < 0 || index >= text.Length || !char.IsAsciiLetterOrDigit(text[index]);

    private static long Key(int state, char c) => ((long)state << 16) | c;

    private static bool HasCjk(string term) => term.Any(c => c >= '\u2E80');

    /// <summary>The term and its inflections: plural, -ing, -ed (prune → prunes, pruning, pruned; sparsity → sparsities).</summary>
    internal static IEnumerable<string> WordForms(string term)
    {
        yield return term;
        if (term.Length < 2 || !char.IsAsciiLetter(term[^1])) yield break;
        var lower = char.ToLowerInvariant(term[^1]);
        yield return term + "s";
        yield return term + "es";
        if (lower == 'e')
        {
            yield return term[..^1] + "ing";
            yield return term + "d";
        }
        else
        {
            yield return term + "ing";
            yield return term + "ed";
        }
        if (lower == 'y') yield return term[..^1] + "ies";
    }

    /// <param name="Cased">For a form of an enExact term: the term as written, which the text must hold in that case.</param>
    private readonly record struct Term(int Tag, int Length, bool WholeWord, bool Negative, string? Cased = null);
}
