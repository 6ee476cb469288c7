using System.Globalization;
using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// The durations of appsettings.json (and their <c>EAIR_</c> overrides) in the forms sources.json takes: <c>30s</c>,
/// <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c> or <c>hh:mm:ss</c>.
/// </summary>
/// <remarks>
/// The configuration binder reads a TimeSpan with <c>TimeSpan.Parse</c>, which takes <c>"30"</c> for 30 days and refuses
/// <c>"30s"</c>. So before binding, every TimeSpan key of the bound sections is read here: a valid value is handed to the
/// binder as <c>d.hh:mm:ss</c>, a bare number or other non-duration is a problem naming the key and the forms (and the
/// binder is handed the default instead, so the key is reported once).
/// </remarks>
internal static class DurationSettings
{
    /// <summary>Values for the binder by key (null: leave the default), and every problem, each led by where its value was set
    /// (<paramref name="file"/> or the variable of <paramref name="prefix"/>: <see cref="SettingOrigin"/>).</summary>
    public static (Dictionary<string, string?> Values, List<string> Problems) Read(IConfiguration configuration, string file,
        string prefix = SettingOrigin.EnvironmentPrefix)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        void Check(string key, string? text, TimeSpan? fallback)
        {
            if (text is null) return;
            // A negative clock value is a duration too: the options' own check says it must be positive. A minus zero
            // (-00:00:00) is not: it would pass a check that allows 0, its sign unsaid (Duration.Problem says it).
            var span = Duration.TryParse(text)
                ?? (text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var negative) && negative < TimeSpan.Zero ? negative : null);
            if (span is null) problems.Add($"{SettingOrigin.Of(configuration, key, file, prefix)}: {key}: {Duration.Problem(text)}");
            values[key] = (span ?? fallback)?.ToString("c", CultureInfo.InvariantCulture);
        }
        foreach (var section in ReportSettings.Sections)
        {
            var defaults = Activator.CreateInstance(section.Options);
            foreach (var property in section.Options.GetProperties().Where(p => p.CanWrite))
            {
                var key = $"{section.Name}:{property.Name}";
                var fallback = property.GetValue(defaults);
                if (property.PropertyType == typeof(TimeSpan) || property.PropertyType == typeof(TimeSpan?))
                    Check(key, configuration[key], (TimeSpan?)fallback);
                else if (fallback is Dictionary<string, TimeSpan> spans)
                    foreach (var child in configuration.GetSection(key).GetChildren())
                        Check(child.Path, child.Value, spans.TryGetValue(child.Key, out var known) ? known : TimeSpan.Zero);
            }
        }
        return (values, problems);
    }
}
