using System.Diagnostics.CodeAnalysis;
using System.Net;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Ingest;
using EmbeddedAiReport.Sources;
using EmbeddedAiReport.Sources.Feeds;
using EmbeddedAiReport.Sources.GitHub;
using EmbeddedAiReport.Sources.WeChat;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Summaries;
using EmbeddedAiReport.Tagging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport;

/// <summary>The one place core services are registered.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Registers storage on the SQLite file <paramref name="databasePath"/>, fetching, the source kinds, the poller and drafting.</summary>
    /// <remarks>Options (<see cref="FetchingOptions"/>, <see cref="DraftOptions"/>) are bound by the host.</remarks>
    public static IServiceCollection AddEmbeddedAiReport(this IServiceCollection services, string databasePath) =>
        services.AddEmbeddedAiReport(new ReportDatabase(databasePath));

    /// <summary>Registers storage on <paramref name="database"/> (which the container then owns and disposes), and the rest as above.</summary>
    public static IServiceCollection AddEmbeddedAiReport(this IServiceCollection services, ReportDatabase database)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => database);
        services.AddSingleton<EntryStore>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<IssueStore>();
        services.AddSingleton<PageStore>();
        services.AddSingleton<LabelStore>();
        services.AddSingleton<Ranking.ModelTraining>();
        services.AddSingleton<SchedulerTables>();

        services.AddSingleton<HostPoliteness>();
        services.AddSingleton<HostResilience>();
        services.AddSingleton<Fetcher>();
        services.AddSingleton(new FetchProxy(HttpClient.DefaultProxy));
        services.AddSingleton(HostResolver.System);
        services.AddHttpClient(Fetcher.ClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                AllowAutoRedirect = false,   // the Fetcher follows redirects itself, checking each hop (Fetching:MaxRedirects)
                Proxy = provider.GetRequiredService<FetchProxy>().Proxy,
                ConnectCallback = AddressGuard.Connect(provider.GetRequiredService<FetchProxy>(), provider.GetRequiredService<HostResolver>()),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                UseCookies = false,
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);   // the Fetcher applies per-source timeouts

        // Source kinds: one line each.
        services.AddSourceKind<FeedSource>();

        // arXiv kinds
        services.AddSourceKind<Sources.Arxiv.ArxivListingSource>().AddSourceKind<Sources.Arxiv.ArxivRssSource>().AddSourceKind<Sources.Arxiv.ArxivApiSource>();

        // GitHub kinds
        services.AddSingleton<GitHubRateLimits>();
        services.AddSourceKind<GitHubReleasesSource>();

        // WeChat kinds
        services.AddSourceKind<WeChatMirrorSource>();


        services.AddSingleton<SourceCatalog>();
        // The daemon registers a monitor over the reloadable tags.json, router.json and ranker.json; without one, a fixed
        // model (Empty unless the host registered a TaggingModel).
        services.TryAddSingleton(TaggingModel.Empty);
        services.TryAddSingleton<IOptionsMonitor<TaggingModel>>(provider => new FixedOptionsMonitor<TaggingModel>(provider.GetRequiredService<TaggingModel>()));
        services.AddSingleton(provider => new EntryClassifier(provider.GetRequiredService<IOptionsMonitor<TaggingModel>>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PageEnricher>();
        services.AddMetrics();
        services.AddSingleton<PollMetrics>();
        services.AddSingleton<StoringHealth>();
        services.AddSingleton<SourceReader>();
        services.AddSingleton<SourcePoller>();

        // Stories: dedup and cross-links after each fetch (DedupOptions bound by the host; defaults otherwise).
        services.AddOptions<DedupOptions>();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<DedupOptions>>().Value);
        services.AddSingleton<MinHasher>();
        services.AddSingleton<StoryPrimary>();
        services.AddSingleton<StoryAssigner>();
        services.AddSingleton<IngestWriter>();

        services.AddSingleton(provider => new DraftSelector(provider.GetRequiredService<IOptions<DraftOptions>>().Value, provider.GetRequiredService<IOptionsMonitor<TaggingModel>>()));
        services.AddSingleton<DraftExporter>();
        services.AddSingleton<EditorStore>();
        services.AddSingleton(provider => new DraftExplainer(provider.GetRequiredService<IOptions<DraftOptions>>().Value, provider.GetRequiredService<IOptionsMonitor<TaggingModel>>()));
        services.AddSingleton<DraftReview>();
        services.AddSingleton(provider => new IssueHistory(provider.GetRequiredService<IssueStore>(), provider.GetRequiredService<IOptions<DraftOptions>>().Value));
        services.AddSingleton(provider => new IssuePublisher(provider.GetRequiredService<DraftExporter>(), provider.GetRequiredService<IssueHistory>(),
            provider.GetRequiredService<IOptions<DraftOptions>>().Value, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ReportDatabase>()));
        services.AddSummaries();
        return services;
    }

    // Chinese 摘要 by a model: off while Summaries:Endpoint is empty. The host registers SummariesOptions and, when on, the SummaryPrompt.
    private static void AddSummaries(this IServiceCollection services)
    {
        services.AddOptions<SummariesOptions>();
        services.AddSingleton<SummaryStore>();
        services.AddSingleton<SummaryClient>();
        services.AddSingleton<DraftSummaries>();
        services.AddSingleton<EntrySummarizer>();
        services.AddSingleton<SummarizerHealth>();
        services.AddHttpClient(SummaryClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
                new FetchingMessageHandler(provider.GetRequiredService<Fetcher>(), provider.GetRequiredService<IOptions<SummariesOptions>>().Value))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);   // Fetching applies Summaries:Timeout per attempt
    }

    /// <summary>Registers a source kind; adding a kind is this one line plus its folder.</summary>
    public static IServiceCollection AddSourceKind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TKind>(this IServiceCollection services) where TKind : class, ISourceKind
    {
        services.AddSingleton<ISourceKind, TKind>();
        return services;
    }
}
