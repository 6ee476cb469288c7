using System.CommandLine;
using System.CommandLine.Parsing;
using System.Numerics;
using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Worker.Cli;

/// <summary>
/// Whole-number options and arguments (ids, places, limits) read as the HTTP routes read theirs: a number past the type's
/// range says the largest (or smallest) value taken, anything else that it is not a whole number. System.CommandLine's
/// own message named the CLR type (<c>as expected type 'System.Nullable`1[System.Int32]'</c>), and an id past Int64 was
/// "Unrecognized command or argument".
/// </summary>
internal static class WholeNumbers
{
    public static Option<int> Whole(this Option<int> option)
    {
        option.CustomParser = result => Read<int>(result, option.Name);
        return option;
    }

    public static Option<int?> Whole(this Option<int?> option)
    {
        option.CustomParser = result => result.Tokens.Count == 0 ? null : Read<int>(result, option.Name);
        return option;
    }

    public static Argument<long> Whole(this Argument<long> argument)
    {
        argument.CustomParser = result => Read<long>(result, argument.Name);
        return argument;
    }

    public static Argument<long[]> Whole(this Argument<long[]> argument)
    {
        argument.CustomParser = result => [.. result.Tokens.Select(token => Read<long>(result, token.Value, argument.Name))];
        return argument;
    }

    private static T Read<T>(ArgumentResult result, string name) where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        result.Tokens.Count == 0 ? default : Read<T>(result, result.Tokens[^1].Value, name);

    private static T Read<T>(ArgumentResult result, string text, string name) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (RequestNumber.Parse<T>(text, out var outOfRange, signed: true) is { } value) return value;
        result.AddError(!outOfRange ? $"{name}: '{Echoed.Of(text)}' is not a whole number"
            : text.StartsWith('-') ? $"{name}: '{Echoed.Of(text)}' is less than the smallest value taken, {T.MinValue}"
            : $"{name}: '{Echoed.Of(text)}' is more than the largest value taken, {T.MaxValue}");
        return default;
    }
}
