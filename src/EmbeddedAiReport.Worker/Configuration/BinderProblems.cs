using System.Text.RegularExpressions;
using EmbeddedAiReport.Worker.Cli;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// The configuration binder's errors as an operator reads them: the key's path, the value, and what was expected or
/// which setting was meant, instead of the binder's text about types and <c>BinderOptions</c>.
/// </summary>
/// <remarks>
/// The binder stops at its first problem in a section and says it in .NET terms ("'ErrorOnUnknownConfiguration' was set
/// on the provided BinderOptions, but the following properties were not found on the instance of
/// EmbeddedAiReport.Fetching.FetchingOptions: 'MaxParalelSources'"). Its two messages are matched here; anything else
/// is passed on as it is, so nothing the binder says is ever lost.
/// </remarks>
internal static partial class BinderProblems
{
    /// <summary>The problem lines (without the file name) for <paramref name="exception"/> from binding <paramref name="section"/>.</summary>
    public static IEnumerable<string> Describe(InvalidOperationException exception, SettingsSection section, IConfiguration configuration)
    {
        var message = exception.Message;
        if (ConversionMessage().Match(message) is { Success: true } conversion)
        {
            var value = conversion.Groups["value"].Value;
            var key = conversion.Groups["key"].Value;
            if (Choices(section, key) is { } choices) return [$"{key}: '{value}' is not one of {string.Join(", ", choices)}{CloseNames.Meant(value, choices)}"];
            return [$"{key}: '{value}' is not {Expected(conversion.Groups["type"].Value, exception.InnerException)}"];
        }
        if (UnknownMessage().Match(message) is { Success: true } unknown)
        {
            var names = QuotedName().Matches(unknown.Groups["names"].Value).Select(m => m.Groups[1].Value).ToList();
            var topLevel = unknown.Groups["type"].Value == section.Options.FullName;
            return names.SelectMany(name => UnknownKey(name, section, topLevel, configuration));
        }
        return [$"{section.Name}: {exception.GetBaseException().Message}"];
    }

    private static IEnumerable<string> UnknownKey(string name, SettingsSection section, bool topLevel, IConfiguration configuration)
    {
        // The binder names the property only: the paths that end in it are where it is (one, unless it is repeated in a list).
        var paths = Paths(configuration.GetSection(section.Name))
            .Where(path => path[(path.LastIndexOf(':') + 1)..].Equals(name, StringComparison.OrdinalIgnoreCase))
            .DefaultIfEmpty($"{section.Name}:{name}");
        if (!topLevel) return paths.Select(path => $"{path}: unknown setting");
        var known = Settings(section);
        var close = CloseNames.Among(name, known);
        var hint = close.Count > 0 ? CloseNames.Meant(close) : $"; the settings of {section.Name} are {string.Join(", ", known)}";
        return paths.Select(path => $"{path}: unknown setting{hint}");
    }

    /// <summary>The settings an appsettings.json section takes: its options type's properties with a public setter.</summary>
    public static IReadOnlyList<string> Settings(SettingsSection section) =>
        section.Options.GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name).ToList();

    private static IEnumerable<string> Paths(IConfigurationSection section) =>
        section.GetChildren().SelectMany(child => child.Value is null ? Paths(child).Prepend(child.Path) : [child.Path]);

    // The names a setting of the section itself takes when it is an enum's (lower-case, as README writes them).
    private static IReadOnlyList<string>? Choices(SettingsSection section, string key)
    {
        var property = section.Options.GetProperties().FirstOrDefault(p => $"{section.Name}:{p.Name}".Equals(key, StringComparison.OrdinalIgnoreCase));
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type is { IsEnum: true } ? Enum.GetNames(type).Select(n => n.ToLowerInvariant()).ToList() : null;
    }

    private static string Expected(string type, Exception? inner)
    {
        var (what, largest) = type.TrimEnd('?') switch
        {
            "System.Int32" => ("a whole number", int.MaxValue.ToString()),
            "System.Int64" => ("a whole number", long.MaxValue.ToString()),
            "System.Int16" => ("a whole number", short.MaxValue.ToString()),
            "System.UInt32" => ("a whole number of 0 or more", uint.MaxValue.ToString()),
            "System.Double" or "System.Single" or "System.Decimal" => ("a number (with a '.' for decimals)", null),
            "System.Boolean" => ("true or false", null),
            "System.Uri" => ("a URL", null),
            var other => ($"a {other[(other.LastIndexOf('.') + 1)..]}", null),
        };
        return inner is OverflowException && largest is not null ? $"{what} up to {largest}" : what;
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionMessage();

    [GeneratedRegex(@"properties were not found on the instance of (?<type>[^:]+): (?<names>.*)$", RegexOptions.Singleline)]
    private static partial Regex UnknownMessage();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedName();
}
