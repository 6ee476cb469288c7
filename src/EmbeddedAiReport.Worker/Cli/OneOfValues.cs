using System.CommandLine;
using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>
/// Options that take one of a few words (<c>--format</c>, <c>--status</c>, <c>--kind</c>, <c>--to</c>), refused as the
/// rest of the CLI refuses a value: the option's name first, the value, the words taken, and the one probably meant.
/// System.CommandLine's own <c>AcceptOnlyFromAmong</c> said <c>Argument 'md' not recognized. Must be one of: …</c>,
/// naming no option, which on a line with several leaves the user to guess which one.
/// </summary>
internal static class OneOfValues
{
    public static Option<T> OneOf<T>(this Option<T> option, params IReadOnlyList<string> values) =>
        option.OneOf(values, token => CloseNames.Meant(token, values));

    /// <summary>As <see cref="OneOf{T}(Option{T}, IReadOnlyList{string})"/>, the word meant said by <paramref name="meant"/>
    /// (<c>; did you mean …?</c> or ""): <c>--kind rss</c> means feed, which no spelling distance finds.</summary>
    public static Option<T> OneOf<T>(this Option<T> option, IReadOnlyList<string> values, Func<string, string> meant)
    {
        option.CompletionSources.Add([.. values]);
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Select(t => t.Value).Where(v => !values.Contains(v, StringComparer.Ordinal)))
                result.AddError($"{option.Name}: '{Echoed.Of(token)}' is not one of {string.Join(", ", values)}{meant(token)}");
        });
        return option;
    }
}
