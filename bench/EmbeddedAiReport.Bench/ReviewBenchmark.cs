using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Drafting;
using EmbeddedAiReport.Fetching;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Worker;
using EmbeddedAiReport.Worker.Review;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbeddedAiReport.Bench;

/// <summary>
/// The review page for a week of N candidates (default 1,000): the page rendered in-process (database read, draft,
/// decisions, markdown preview, HTML) and over loopback HTTP, and the page's actions (status, reorder) over HTTP.
/// </summary>
/// <remarks>
/// Entries are generated (seeded) and stored through the real commit path, with tags, about one in eight naming one of
/// 40 arXiv papers (so stories form) and four sections; the daemon is the real application (`run`) on a loopback port.
/// Each figure is the median and 95th percentile of R runs after 3 warm-up runs.
/// </remarks>
internal static partial class ReviewBenchmark
{
    private const string Week = "2020-W48";
    private static readonly DateTimeOffset Monday = new(2020, 11, 23, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly string[] Sections = ["news", "papers", "opensource", "blogs"];
    private static readonly string[] Words = ["模型", "推理", "量化", "芯片", "端侧", "部署", "加速", "框架", "开源", "发布", "性能", "优化", "神经网络",
        "处理器", "手机", "算力", "NPU", "INT8", "TensorRT", "ncnn", "MNN", "LLM", "GPU", "SoC", "边缘计算", "功耗", "编译器", "算子", "稀疏", "剪枝"];
    private static readonly string[] Tags = ["quantization", "npu", "inference-engine", "mobile-soc", "pruning", "llm-on-device"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var count = args.Count > 0 && int.TryParse(args[0], out var n) ? n : 1000;
        var runs = Option(args, "--runs") ?? 30;
        using var directory = new BenchDirectory();
        var config = WorkerHost.LoadConfig(directory.Config(), Path.Combine(directory.Path, "review.db"));
        if (config.Problems.Count > 0) throw new InvalidOperationException(string.Join("\n", config.Problems));
        config.Report.Urls = "http://127.0.0.1:0";
        // Only warnings: one log line per action would be timed too.
        await using var app = WorkerHost.Build(config, daemon: true, s => s.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Warning));
        await SeedAsync(app.Services, count);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var review = app.Services.GetRequiredService<DraftReview>();
        var page = app.Services.GetRequiredService<ReviewPage>();
        var window = DraftWindow.Of(EditorialWeek.TryParse(Week)!.Value, config.Draft.Zone());
        var render = await MeasureAsync(runs, async () =>
        {
            var result = await review.BuildAsync(window, CancellationToken.None);
            // The sections as GET /review shows them: the draft's entries and the first page of the others (ReviewLayout.Paged).
            var sections = ReviewLayout.Paged(ReviewLayout.Of(result, config.Draft), null, new HashSet<long>());
            page.Render(new ReviewView(EmbeddedAiReport.Worker.Http.PathWindow.Of(EditorialWeek.TryParse(Week)!.Value, config.Draft.Zone()), result, sections,
                config.Renderer!.Render(result.Draft), new string('t', 155), CanWrite: true, Notice: null));
        });

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var token = "";
        var html = "";
        var get = await MeasureAsync(runs, async () => token = Token().Match(html = await http.GetStringAsync($"/review/{Week}")).Groups[1].Value);
        var size = System.Text.Encoding.UTF8.GetByteCount(html);
        if (Text(args, "--save") is { } save) await File.WriteAllTextAsync(save, html);
        var ids = review.BuildAsync(window, CancellationToken.None).Result.Draft.Sections.First(s => s.Items.Count > 1).Items.Select(i => i.EntryId).ToList();
        var status = 0;
        var statusAction = await MeasureAsync(runs, () => PostAsync(http, $"/review/{Week}/entries/{ids[0]}", token,
            ("action", status++ % 2 == 0 ? "shortlisted" : "candidate")));
        var moveAction = await MeasureAsync(runs, () => PostAsync(http, $"/review/{Week}/entries/{ids[1]}", token, ("action", "position"), ("position", "1")));

        Console.WriteLine($"review page, week {Week}: {count} candidates, {size / 1024} KiB of HTML (GET), {runs} runs each (median / p95)");
        Console.WriteLine($"  render in-process (read, draft, decisions, preview, HTML): {render}");
        Console.WriteLine($"  GET /review/{Week} over loopback HTTP:               {get}");
        Console.WriteLine($"  POST shortlist/candidate (mark twin):                      {statusAction}");
        Console.WriteLine($"  POST move to place 1 (reorder, builds the draft):          {moveAction}");
        await app.StopAsync();
        return 0;
    }

    private static async Task PostAsync(HttpClient http, string path, string token, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent([KeyValuePair.Create(ReviewPage.TokenField, WebUtility.HtmlDecode(token)), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(ReviewEndpoints.ScriptHeader, "1");
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task SeedAsync(IServiceProvider services, int count)
    {
        var random = new Random(16);
        var writes = new List<EntryWrite>(count);
        for (var i = 0; i < count; i++)
        {
            var title = string.Concat(Enumerable.Range(0, random.Next(6, 14)).Select(_ => Words[random.Next(Words.Length)]));
            var summary = string.Concat(Enumerable.Range(0, random.Next(40, 90)).Select(_ => Words[random.Next(Words.Length)])) + "。";
            var links = random.Next(8) == 0 ? [new EntryLink("arxiv", $"arxiv:2011.{12000 + random.Next(40):D5}", "https://arxiv.org/abs/2011.12000")] : Array.Empty<EntryLink>();
            var tags = Tags.Where(_ => random.Next(4) == 0).Select(t => new EntryTag(t, 1.0)).ToList();
            var entry = new CandidateEntry
            {
                CanonicalKey = $"url:bench.example/{i}", Url = $"https://bench.example/{i}", Title = title, Summary = summary,
                Account = $"账号{random.Next(30)}", Published = Monday.AddMinutes(i * 9), Links = links,
            };
            writes.Add(new EntryWrite(entry, "feed", Sections[random.Next(Sections.Length)], Math.Round(random.NextDouble() * 6, 2), tags));
        }
        await services.GetRequiredService<SourceStore>().CommitFetchAsync(
            new FetchRecord("bench", "feed", Monday, TimeSpan.Zero, 200, 0, writes.Count, null, new Dictionary<string, HttpValidators>()), writes, CancellationToken.None);
        await services.GetRequiredService<StoryAssigner>().AssignPendingAsync(CancellationToken.None);
    }

    private static async Task<Timing> MeasureAsync(int runs, Func<Task> action)
    {
        for (var i = 0; i < 3; i++) await action();
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return new Timing(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)]);
    }

    private static int? Option(IReadOnlyList<string> args, string name) => int.TryParse(Text(args, name), out var value) ? value : null;

    private static string? Text(IReadOnlyList<string> args, string name)
    {
        var index = args.ToList().IndexOf(name);
        return index >= 0 && index + 1 < args.Count ? args[index + 1] : null;
    }

    private readonly record struct Timing(double Median, double P95)
    {
        public override string ToString() => $"{Median,7:0.0} ms / {P95,7:0.0} ms";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>A temporary folder with a copy of the repository's config/ and no sources.</summary>
    private sealed class BenchDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eair-bench-review-" + Guid.NewGuid().ToString("N"));

        public string Config()
        {
            var source = new DirectoryInfo(AppContext.BaseDirectory);
            while (source is not null && !Directory.Exists(System.IO.Path.Combine(source.FullName, "config", "templates"))) source = source.Parent;
            var from = System.IO.Path.Combine(source?.FullName ?? throw new InvalidOperationException("run from inside the repository"), "config");
            var to = System.IO.Path.Combine(Path, "config");
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            File.WriteAllText(System.IO.Path.Combine(to, "sources.json"), """{"sources": []}""");
            return to;
        }

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
