using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// Where a setting's value came from, for the first word of its problem: appsettings.json, or the <c>EAIR_</c> variable
/// that overrides it (<c>EAIR_Storage__Provider</c>). An operator told "appsettings.json: Storage:Provider: …" of a value
/// the file does not hold looks in the wrong place.
/// </summary>
internal static partial class SettingOrigin
{
    /// <summary>The prefix of the environment variables that override appsettings.json.</summary>
    public const string EnvironmentPrefix = "EAIR_";

    /// <summary><paramref name="problem"/> (<c>Section:Key: …</c>) led by where its key's value was set, else by <paramref name="file"/>.</summary>
    public static string Locate(IConfiguration configuration, string problem, string file, string prefix = EnvironmentPrefix) =>
        $"{(LeadingKey().Match(problem) is { Success: true } key ? Of(configuration, key.Value, file, prefix) : file)}: {problem}";

    /// <summary>The variable that set <paramref name="key"/> when the environment did, else <paramref name="file"/>.</summary>
    public static string Of(IConfiguration configuration, string key, string file, string prefix = EnvironmentPrefix) =>
        FromEnvironment(configuration, key) == true ? prefix + key.Replace(":", "__", StringComparison.Ordinal) : file;

    // Whether the provider with the last say on the key (the last one holding it) reads the environment; null when none
    // holds it. The durations restated for the binder (an in-memory layer over the rest, DurationSettings) are passed
    // over: their values came from a provider below them.
    private static bool? FromEnvironment(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root) return null;
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider is ChainedConfigurationProvider chained)
            {
                if (FromEnvironment(chained.Configuration, key) is { } below) return below;
            }
            else if (provider is not MemoryConfigurationProvider && provider.TryGet(key, out _))
            {
                return provider is EnvironmentVariablesConfigurationProvider;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?::[^:\s]+)+(?=: )")]
    private static partial Regex LeadingKey();
}
