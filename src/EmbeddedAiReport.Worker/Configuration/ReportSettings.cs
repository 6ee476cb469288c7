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
    public static IReadOnlyList<(string Section, Type Options)> Sections { get; } =
    [
        ("Report", typeof(ReportOptions)), ("Fetching", typeof(FetchingOptions)), ("Draft", typeof(DraftOptions)), ("Dedup", typeof(DedupOptions)),
        ("Summaries", typeof(Summaries.SummariesOptions)),
    ];

    public static IServiceCollection AddReportSettings(this IServiceCollection services, string? databaseOverride)
    {
        Add<ReportOptions>(services, "Report", o => o.Validate());
        if (databaseOverride is not null) services.PostConfigure<ReportOptions>(o => o.Database = databaseOverride);
        Add<FetchingOptions>(services, "Fetching", o => o.Validate());
        Add<DraftOptions>(services, "Draft", o => o.Validate());
        Add<DedupOptions>(services, "Dedup", o => o.Validate());
        Add<StorageOptions>(services, "Storage", o => o.Validate());
        Add<Summaries.SummariesOptions>(services, "Summaries", o => o.Validate());
        return services;
    }

    private static void Add<T>(IServiceCollection services, string section, Func<T, IEnumerable<string>> validate) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section, o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(validate));
    }
}
