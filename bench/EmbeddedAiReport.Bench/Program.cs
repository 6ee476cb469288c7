// Benchmarks live here (ingest throughput, clustering scale); see README "Benchmarks".
Console.WriteLine("usage: dotnet run -c Release --project bench/EmbeddedAiReport.Bench -- <benchmark>");
return 0;
