using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Normalizing;
using Fluid;

namespace EmbeddedAiReport.Summaries;

/// <summary>The prompt template (Liquid, in the config folder) that asks a model for one entry's Chinese 摘要.</summary>
/// <remarks>
/// The template sees <c>title</c>, <c>text</c> (the source's summary, cut to <see cref="SummariesOptions.MaxInputChars"/>),
/// <c>account</c>, <c>kind</c> (<c>paper</c>, <c>release</c> or <c>post</c>) and <c>prefix</c>. <see cref="Version"/> is a hash of
/// the template text: it is part of the cache key, so editing the prompt summarizes entries again.
/// <threadsafety>Thread-safe after construction.</threadsafety>
/// </remarks>
public sealed class SummaryPrompt
{
    private static readonly FluidParser Parser = new();
    private readonly IFluidTemplate _template;
    private readonly TemplateOptions _options = new();
    private readonly string _name;

    /// <exception cref="DraftTemplateException">The template does not parse (the message names the file, line and column) or includes another file.</exception>
    public SummaryPrompt(string templateSource, string templateName)
    {
        if (!Parser.TryParse(templateSource, out var template, out var error))
            throw DraftTemplateException.ParseFailed(templateName, templateSource, error, Parser.RegisteredTags.Keys);
        if (TemplateCheck.IncludeProblem(template, templateSource, templateName) is { } include) throw new DraftTemplateException(include);
        _template = template;
        _name = templateName;
        var model = new TemplateModel(typeof(PromptView));
        _options.Register<PromptView>(model, ("title", v => v.Title), ("text", v => v.Text), ("account", v => v.Account), ("kind", v => v.Kind),
            ("prefix", v => v.Prefix));
        UnknownMembers = TemplateCheck.Find(template, templateSource, model, _options.Filters);
        Version = TextDigest.Sha256HexLower(templateSource.ReplaceLineEndings("\n"), 8);
    }

    /// <summary>The variables the prompt reads that it is not given (a misspelt <c>titel</c>), each of which would be empty.</summary>
    public IReadOnlyList<UnknownTemplateMember> UnknownMembers { get; }

    /// <summary>A short hash of the template text (part of the cache key).</summary>
    public string Version { get; }

    /// <summary>The prompt for one entry, from what its source gave (never the editor's text).</summary>
    public string Render(SummarySource source, int maxInputChars)
    {
        var view = new PromptView(source.Title.Trim(), TextCleaner.Truncate(source.Text.Trim(), maxInputChars), source.Account, KindOf(source.CanonicalKey), source.Prefix);
        try
        {
            return _template.Render(new TemplateContext(view, _options), NullEncoder.Default).ReplaceLineEndings("\n").Trim() + "\n";
        }
        catch (Exception ex) when (DraftTemplateException.IsRenderFailure(ex))
        {
            throw DraftTemplateException.RenderingFailed(_name, ex);
        }
    }

    /// <summary>
    /// Why the prompt fails to render for an entry (a paper with its prefix, a release, a Chinese post with its account,
    /// an entry with no text), or null: a failure while rendering (<c>| divided_by: 0</c>) would fail every summary call.
    /// </summary>
    public string? SampleProblem(int maxInputChars)
    {
        SummarySource[] samples =
        [
            new(1, "arxiv:2005.00001", "MobileNet_v3 [INT8] on NPU", "We quantize a network to 4 bits with <1% accuracy loss.", null, "2005.00001v2", "h1"),
            new(2, "gh:owner/repo@v1.0", "owner/repo: v1.0", "Adds INT8 kernels for Arm CPUs.", null, null, "h2"),
            new(3, "url:example.org/post", "端侧推理框架发布", "延迟降低 30%，支持 NPU。", "NeuralTalk", null, "h3"),
            new(4, "url:example.org/bare", "A title only", "", null, null, "h4"),
        ];
        foreach (var sample in samples)
        {
            try
            {
                Render(sample, maxInputChars);
            }
            catch (DraftTemplateException ex)
            {
                return $"{ex.Message} (on a sample entry: every summary call would fail the same way)";
            }
        }
        return null;
    }

    private static string KindOf(string canonicalKey) =>
        canonicalKey.StartsWith("arxiv:", StringComparison.Ordinal) ? "paper" : canonicalKey.StartsWith("gh:", StringComparison.Ordinal) ? "release" : "post";

    private sealed record PromptView(string Title, string Text, string? Account, string Kind, string? Prefix);
}
