using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker.Configuration;
using EmbeddedAiReport.Worker.Http;
using EmbeddedAiReport.Worker.Jobs;
using EmbeddedAiReport.Worker.Logging;
using EmbeddedAiReport.Worker.Review;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using Quartz;

namespace EmbeddedAiReport.Worker;

/// <summary>Builds the application for the daemon and for one-shot CLI commands from a loaded config.</summary>
internal static class WorkerHost
{
    /// <summary>How long a stop may take: running polls are cancelled at once, so this only bounds a stuck component.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The source kinds, to validate sources.json before the application exists.</summary>
    public static IReadOnlyList<ISourceKind> SourceKinds()
    {
        var services = new ServiceCollection().AddLogging().AddEmbeddedAiReport(":memory:");
        services.AddSingleton(Options.Create(new FetchingOptions()));
        services.AddSingleton(Options.Create(new DraftOptions()));
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<ISourceKind>().ToList();
    }

    /// <summary>Loads and validates the config folder (but the parts in <paramref name="skip"/>, see <see cref="LoadedConfig.Load"/>).</summary>
    /// <remarks>
    /// The source kinds come from a service container of their own, which takes as long to build as the settings take to
    /// read and bind: it is built beside them (only the sources need the kinds), since every command waits for this at start.
    /// </remarks>
    public static LoadedConfig LoadConfig(string directory, string? database, IReadOnlySet<Type>? skip = null) =>
        LoadedConfig.Load(directory, database, Task.Run(SourceKinds), skip);

    /// <param name="daemon">True: Quartz schedules, config reload and HTTP endpoints; false: services only, logs on stderr.</param>
    /// <param name="configure">Extra registrations (tests replace the clock here).</param>
    public static WebApplication Build(LoadedConfig config, bool daemon, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddConfiguration(config.Configuration);
        ConfigureLogging(builder.Logging, builder.Configuration, daemon);
        var database = AddServices(builder.Services, config);

        if (daemon)
        {
            builder.WebHost.UseUrls(config.Report.Urls);
            // An https:// address takes its certificate from Kestrel:Certificates:Default (ASP.NET Core's settings); the slim
            // builder leaves that out, so an https address stopped the daemon with a stack trace.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Http.WorkerJson.Default));
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
            builder.Services.AddSystemd();   // Type=notify under systemd; nothing elsewhere
            // The job store's failures are told to the one listener from Quartz's IsTransient hook too (JobStoreFailures.Failed),
            // which configuration sets before the container exists: the listener is made when the host is built, below.
            JobStoreFailures? jobStoreFailures = null;
            builder.Services.AddSingleton(provider => jobStoreFailures = ActivatorUtilities.CreateInstance<JobStoreFailures>(provider));
            builder.Services.AddQuartz(q =>
            {
                JobStore.Configure(q, database, config.Storage, exception => jobStoreFailures?.Failed(exception));
                // Registered with Quartz, not only with the container: a job read back from the store names its type, and
                // Quartz finds it by that name only among registered types (no reflection; the csproj's
                // QuartzTypeNameResolutionSupport). Unregistered, every start on an existing store failed to read it (4107)
                // until the job was scheduled anew.
                q.AddJobType<PollSourceJob>(ServiceLifetime.Transient);
                q.AddJobType<ExportDraftJob>(ServiceLifetime.Transient);
                q.AddJobType<HousekeepingJob>(ServiceLifetime.Transient);
                q.AddSchedulerListener(provider => provider.GetRequiredService<JobStoreFailures>());
                q.AddJobListener(provider => provider.GetRequiredService<RunningJobs>());   // which jobs run, for giving memory back only when none does
            });
            builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
            builder.Services.AddSingleton<SourceScheduler>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<SourceScheduler>());
            builder.Services.AddSingleton<ReloadRescoring>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<ReloadRescoring>());
            builder.Services.AddSingleton<ConfigWatcher>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<ConfigWatcher>());
            builder.Services.AddSingleton<RunningJobs>();
            builder.Services.AddSingleton<IdleMemory>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<IdleMemory>());
            builder.Services.AddSingleton<HealthCheck>();
            builder.Services.AddSingleton<ReportGauges>();
            builder.Services.AddReview();
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PollMetrics.MeterName)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));   // gauges are read per scrape
            // Meters are matched by name process-wide; export only this host's (its IMeterFactory's), not another host's in the process.
            builder.Services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
            {
                var own = provider.GetRequiredService<IMeterFactory>();
                metrics.AddView(instrument => instrument.Meter.Scope == own ? null : MetricStreamConfiguration.Drop);
            });
        }
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        if (daemon)
        {
            _ = app.Services.GetRequiredService<ReportGauges>();   // its gauges exist from the first scrape
            _ = app.Services.GetRequiredService<JobStoreFailures>();   // before the job store's first operation
            // A TLS proxy in front (the listener is loopback by default) says https in X-Forwarded-Proto: the request is then
            // https, so the login and anti-forgery cookies are Secure. Believed from a loopback peer only (the middleware's
            // default known proxies); the client's address (X-Forwarded-For) is not taken over: it decides who may act.
            app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });
            ReportEndpoints.Map(app);
            ReviewEndpoints.Map(app);
        }
        return app;
    }

    /// <summary>
    /// The services of a one-shot command (poll, export, entries …): the daemon's registrations without its web host, Quartz,
    /// endpoints and metrics export, so a command does not load or start what it never uses.
    /// </summary>
    /// <param name="configure">Extra registrations (tests replace the clock here).</param>
    public static CommandServices BuildCommand(LoadedConfig config, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config.Configuration);
        services.AddMetrics();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(config.Configuration.GetSection("Logging"));
            ConfigureLogging(logging, config.Configuration, daemon: false);
        });
        AddServices(services, config);
        configure?.Invoke(services);
        return new CommandServices(services.BuildServiceProvider());
    }

    // What the daemon and the one-shot commands both register; returns the database they share.
    private static ReportDatabase AddServices(IServiceCollection services, LoadedConfig config)
    {
        services.AddSingleton(config);
        if (config.SummaryPrompt is { } summaryPrompt) services.AddSingleton(summaryPrompt);   // only while summaries are on
        services.AddReportSettings(config.DatabaseOverride);
        foreach (var part in ConfigParts.All) part.AddMonitor(services);
        var database = config.OpenDatabase();
        services.AddEmbeddedAiReport(database);
        services.AddSingleton<DraftFiles>();
        services.AddSingleton<StoredRescoring>();
        services.AddSingleton<ModelRetraining>();
        services.AddSingleton<SourceStatuses>();
        return database;
    }

    internal static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, bool daemon)
    {
        logging.ClearProviders();
        // Logging:Format: "simple" (default) is one readable line per event; "json" is one JSON object per line for collectors.
        if (configuration["Logging:Format"] == "json")
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz");
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                // With the offset: a line's own time is the host's clock, while times inside messages are in Draft:TimeZone
                // (paused until … +08:00); without it an operator could not tell the two apart on a host set to UTC.
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss zzz ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
            // The simple format, with Quartz's database failures in one line each (OneLineConsoleFormatter).
            logging.Services.AddSingleton<ConsoleFormatter>(services => new OneLineConsoleFormatter(services));
            logging.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = OneLineConsoleFormatter.FormatterName);
        }
        if (!daemon)
        {
            // One-shot commands print their results on stdout; logs go to stderr and only warnings by default.
            logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.AddFilter<ConsoleLoggerProvider>(level => level >= LogLevel.Warning);
        }
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Quartz", LogLevel.Warning);
    }
}
