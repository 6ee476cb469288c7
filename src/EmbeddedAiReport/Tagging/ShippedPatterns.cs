using System.Text.RegularExpressions;

namespace EmbeddedAiReport.Tagging;

/// <summary>The patterns of the shipped taxonomy (<c>config/tags.json</c>), compiled when the product is built.</summary>
/// <remarks>
/// A tag's patterns are one regular expression (<see cref="TagMatcher.Joined"/>), compiled at run time
/// (<see cref="RegexOptions.Compiled"/>), which the native binary cannot do: it interprets them, about 3× slower than
/// the code generated here (a cold 200-feed poll spent 5 % of its CPU in the interpreter). A tag whose joined patterns are
/// one of these texts uses the generated regex, which matches exactly as the compiled one does (same engine, same
/// options and timeout); any other, such as a pattern ops edited, is compiled or interpreted as before. A test fails
/// when <c>config/tags.json</c> and this list part.
/// </remarks>
internal static partial class ShippedPatterns
{
    private const RegexOptions Options = TagMatcher.PatternOptions;
    private const int Timeout = TagMatcher.PatternTimeoutMilliseconds;

    private const string Quantization = @"(?:\bw\d{1,2}a\d{1,2}\b)|(?:\b[1-8]-?bit\b)";
    private const string LightweightNetworks = @"(?:\b(mobilenet|shufflenet|squeezenet|ghostnet|efficientnet|mnasnet|mobilevit)[-_]?v?\d)";
    private const string MobileSoc = @"(?:\bA1\d\s*(bionic|pro)\b)|(?:\bapple\s+m[1-9]\b)|(?:\brk\d{4}\b)";
    private const string CpuArch = @"(?:\bcortex-[amr]\d+)|(?:\barmv\d(\.\d)?)";
    private const string Semiconductor = @"(?:\b\d{1,2}\s?nm\b)";

    /// <summary>The generated regex for <paramref name="joined"/> (a tag's patterns as <see cref="TagMatcher.Joined"/> joins them), or null.</summary>
    public static Regex? For(string joined) => joined switch
    {
        Quantization => QuantizationRegex(),
        LightweightNetworks => LightweightNetworksRegex(),
        MobileSoc => MobileSocRegex(),
        CpuArch => CpuArchRegex(),
        Semiconductor => SemiconductorRegex(),
        _ => null,
    };

    [GeneratedRegex(Quantization, Options, Timeout)]
    private static partial Regex QuantizationRegex();

    [GeneratedRegex(LightweightNetworks, Options, Timeout)]
    private static partial Regex LightweightNetworksRegex();

    [GeneratedRegex(MobileSoc, Options, Timeout)]
    private static partial Regex MobileSocRegex();

    [GeneratedRegex(CpuArch, Options, Timeout)]
    private static partial Regex CpuArchRegex();

    [GeneratedRegex(Semiconductor, Options, Timeout)]
    private static partial Regex SemiconductorRegex();
}
