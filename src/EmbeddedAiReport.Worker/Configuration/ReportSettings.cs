using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// Binds the appsettings.json sections to their options (<c>BindConfiguration</c>, unknown keys rejected) and validates
/// them at start (<c>ValidateOnStart</c>); the one registration the host and <c>validate</c> both use.
/// </summary>
internal static class ReportSettings
{
    /// <summary>The sections <see cref="AddReportSettings"/> binds, with their options types; keep in step with it (their durations are read by <see cref="DurationSettings"/>).</summary>
    public static IReadOnlyList<SettingsSection> Sections { get; } =
    [
        new("Report", typeof(ReportOptions)), new("Fetching", typeof(FetchingOptions)), new("Draft", typeof(DraftOptions)),
        new("Dedup", typeof(DedupOptions)), new("Storage", typeof(StorageOptions)), new("Summaries", typeof(Summaries.SummariesOptions)),
    ];

    // Each binding is spelled out for its own type: the configuration binding source generator (the project's
    // EnableConfigurationBindingGenerator) then binds it with generated code instead of reflection, which every command
    // paid for at start; it cannot see through a generic helper.
    public static IServiceCollection AddReportSettings(this IServiceCollection services, string? databaseOverride)
    {
        services.AddOptions<ReportOptions>().BindConfiguration("Report", Strict).ValidateOnStart();
        Validate<ReportOptions>(services, o => o.Validate());
        if (databaseOverride is not null) services.PostConfigure<ReportOptions>(o => o.Database = databaseOverride);
        services.AddOptions<FetchingOptions>().BindConfiguration("Fetching", Strict).ValidateOnStart();
        Validate<FetchingOptions>(services, o => o.Validate());
        services.AddOptions<DraftOptions>().BindConfiguration("Draft", Strict).ValidateOnStart();
        Validate<DraftOptions>(services, o => o.Validate());
        services.AddOptions<DedupOptions>().BindConfiguration("Dedup", Strict).ValidateOnStart();
        Validate<DedupOptions>(services, o => o.Validate());
        services.AddOptions<StorageOptions>().BindConfiguration("Storage", Strict).ValidateOnStart();
        Validate<StorageOptions>(services, o => o.Validate());
        services.AddOptions<Summaries.SummariesOptions>().BindConfiguration("Summaries", Strict).ValidateOnStart();
        Validate<Summaries.SummariesOptions>(services, o => o.Validate());
        return services;
    }

    /// <summary>
    /// A warning for each top-level section nothing reads (a misspelt <c>"Fetchng"</c> would otherwise leave every setting in
    /// it at its default without a word); keys inside the bound sections are checked by the binder (errors).
    /// </summary>
    /// <remarks>Only the file's own sections: <c>EAIR_</c> variables also carry the global options (<c>EAIR_DB</c>).</remarks>
    public static IEnumerable<string> UnknownSections(IConfigurationRoot configuration, string file)
    {
        // Logging and Kestrel (an https address's certificate, README) are read by ASP.NET Core's host.
        string[] known = [.. Sections.Select(s => s.Name), "Logging", "Kestrel"];
        var sections = configuration.Providers.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>()
            .SelectMany(p => p.GetChildKeys([], null)).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections)
            if (!known.Contains(section, StringComparer.OrdinalIgnoreCase))
                yield return $"{file}: section '{section}' is read by nothing, its settings are ignored (sections: {string.Join(", ", known)})";
    }

    // Unknown keys are errors (a misspelt setting must not be ignored silently).
    private static void Strict(BinderOptions options) => options.ErrorOnUnknownConfiguration = true;

    private static void Validate<T>(IServiceCollection services, Func<T, IEnumerable<string>> validate) where T : class =>
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(validate));
}
