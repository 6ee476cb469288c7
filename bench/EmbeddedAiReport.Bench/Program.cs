using EmbeddedAiReport.Bench;

// Benchmarks live here (ingest throughput, clustering scale); see README "Benchmarks".
return args switch
{
    ["ingest", .. var rest] => await IngestBenchmark.RunAsync(rest),
    ["scale-db", .. var rest] => await ScaleBenchmark.BuildAsync(rest),
    ["review", .. var rest] => await ReviewBenchmark.RunAsync(rest),
    ["ranking", .. var rest] => RankingBenchmark.Run(rest),
    ["threading", .. var rest] => SqliteThreadingCheck.Run(rest),
    ["cluster", .. var sizes] => ClusterBenchmark.Run(sizes.Length > 0 ? sizes.Select(int.Parse).ToList() : [100_000, 1_000_000]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/EmbeddedAiReport.Bench -- <benchmark>");
    Console.WriteLine("  ingest [N] [--feeds F] [--runs R] [--parallel P] [--only raw|staged|poller]");
    Console.WriteLine("                      N entries (default 20000) in F RSS feeds (default 20): raw limit vs product pipeline, entries/s, memory");
    Console.WriteLine("  scale-db N DB [--newest ISO-TIME]  a database of N entries written by the product's ingest path (bench/scale.py)");
    Console.WriteLine("  review [N] [--runs R] [--save FILE] the review page for a week of N candidates (default 1000): render time, page size and latency over HTTP (FILE: the page), actions");
    Console.WriteLine("  ranking [CONFIG]    the relevance model: training time, model size, scoring µs per entry (config/training)");
    Console.WriteLine("  threading multi|serial [--no-leak]  SQLite's threading mode against commands left to the finalizer (run each in its own process)");
    Console.WriteLine("  cluster [SIZE...]   story clustering of synthetic entries (default 100000 1000000): time, peak memory");
    return 2;
}
