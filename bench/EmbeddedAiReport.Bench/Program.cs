using EmbeddedAiReport.Bench;

// Benchmarks live here (ingest throughput, clustering scale); see README "Benchmarks".
return args switch
{
    ["cluster", .. var sizes] => ClusterBenchmark.Run(sizes.Length > 0 ? sizes.Select(int.Parse).ToList() : [100_000, 1_000_000]),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench/EmbeddedAiReport.Bench -- <benchmark>");
    Console.WriteLine("  cluster [SIZE...]   story clustering of synthetic entries (default 100000 1000000): time, peak memory");
    return 2;
}
