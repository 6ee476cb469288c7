using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Worker.Http;
using EmbeddedAiReport.Worker.Jobs;
using EmbeddedAiReport.Worker.Review;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Quartz;

namespace EmbeddedAiReport.Worker;

/// <summary>Builds the application for the daemon and for one-shot CLI commands from a loaded config.</summary>
internal static class WorkerHost
{
    /// <summary>The source kinds, to validate sources.json before the application exists.</summary>
    public static IReadOnlyList<ISourceKind> SourceKinds()
    {
        var services = new ServiceCollection().AddLogging().AddEmbeddedAiReport(":memory:");
        services.AddSingleton(Options.Create(new FetchingOptions()));
        services.AddSingleton(Options.Create(new DraftOptions()));
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<ISourceKind>().ToList();
    }

    /// <summary>Loads and validates the config folder.</summary>
    public static LoadedConfig LoadConfig(string directory, string? database, bool template = true) =>
        LoadedConfig.Load(directory, database, SourceKinds(), template);

    /// <summary>
    /// The services of a one-shot command (<c>poll</c>, <c>export</c>, <c>entries</c>): no host, no web server, logs on stderr
    /// (warnings and up). Each command is a process of its own, so what is not built here is start time and memory saved.
    /// </summary>
    /// <param name="configure">Extra registrations (tests replace the clock here).</param>
    public static ServiceProvider BuildServices(LoadedConfig config, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            })
            .AddFilter<ConsoleLoggerProvider>(level => level >= LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
        services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        AddCore(services, config);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <param name="daemon">True: Quartz schedules and HTTP endpoints; false: services only, logs on stderr.</param>
    /// <param name="configure">Extra registrations (tests replace the clock here).</param>
    public static WebApplication Build(LoadedConfig config, bool daemon, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(config.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        if (!daemon)
        {
            // One-shot commands print their results on stdout; logs go to stderr and only warnings by default.
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter<ConsoleLoggerProvider>(level => level >= LogLevel.Warning);
        }
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);

        AddCore(builder.Services, config);

        if (daemon)
        {
            builder.WebHost.UseUrls(config.Report.Urls);
            builder.Services.AddQuartz();
            builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
            builder.Services.AddTransient<PollSourceJob>();
            builder.Services.AddTransient<ExportDraftJob>();
            builder.Services.AddHostedService<SourceScheduler>();
            builder.Services.AddReview();
        }
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        if (daemon) ReportEndpoints.Map(app);
        if (daemon) ReviewEndpoints.Map(app);
        return app;
    }

    private static void AddCore(IServiceCollection services, LoadedConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton(Options.Create(config.Report));
        services.AddSingleton(Options.Create(config.Fetching));
        services.AddSingleton(Options.Create(config.Draft));
        services.AddSingleton(Options.Create(config.Dedup));
        services.AddSingleton(config.Tagging);
        services.AddEmbeddedAiReport(config.Report.Database);
        services.AddSingleton<DraftFiles>();
    }
}
