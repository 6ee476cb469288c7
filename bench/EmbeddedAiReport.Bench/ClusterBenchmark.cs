using System.Diagnostics;
using System.Text;
using EmbeddedAiReport.Dedup;

namespace EmbeddedAiReport.Bench;

/// <summary>Clustering scale: synthetic entries through the product's MinHash fingerprints, LSH band keys and similarity check.</summary>
/// <remarks>
/// The index mirrors the band index <see cref="StoryAssigner"/> keeps in memory (newest
/// <see cref="DedupOptions.MaxBucketCandidates"/> per bucket, the <see cref="DedupOptions.LookbackDays"/> window),
/// partitioned by lookback period so old periods can be dropped: memory stays bounded by the window, time grows
/// with the number of entries. It measures the clustering itself, without SQLite (the `ingest` benchmark measures that). A fifth of the entries retell an earlier story the way replay.py does; the run
/// reports how many of those land in their original's story.
/// </remarks>
internal static class ClusterBenchmark
{
    // 常用汉字 plus English terms, so shingles mix scripts as real posts do.
    private const string Han = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";
    private static readonly string[] Terms = ["NPU", "INT8", "TensorRT", "ncnn", "MNN", "TFLite", "GPU", "SoC", "LLM", "GPTQ", "AWQ", "llama.cpp", "ARM", "RISC-V", "CUDA", "量化", "剪枝", "蒸馏"];

    public static int Run(IReadOnlyList<int> sizes)
    {
        Console.WriteLine("entries    elapsed_s   us/entry   stories   retold_found   candidates/entry   peak_working_set_MB");
        foreach (var size in sizes)
        {
            GC.Collect();
            var result = Cluster(size);
            Console.WriteLine($"{size,9} {result.Elapsed.TotalSeconds,10:F1} {result.Elapsed.TotalMicroseconds / size,10:F1} {result.Stories,9} " +
                $"{result.RetoldFound,8}/{result.Retold,-8} {(double)result.Candidates / size,12:F2} {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576,14}");
        }
        return 0;
    }

    private sealed record Result(TimeSpan Elapsed, int Stories, int Retold, int RetoldFound, long Candidates);

    private static Result Cluster(int size)
    {
        var options = new DedupOptions();
        var hasher = new MinHasher(options);
        var random = new Random(329);
        // Entries arrive over two years in time order; every fifth retells a story from the last few days.
        var span = TimeSpan.FromDays(730).Ticks / size;
        var titles = new string[size];
        var summaries = new string[size];
        var original = new int[size];
        var times = new long[size];
        for (var i = 0; i < size; i++)
        {
            times[i] = i * span;
            original[i] = -1;
            if (i > 100 && random.Next(5) == 0)
            {
                var source = i - 1 - random.Next(Math.Min(i - 1, 50));
                while (original[source] >= 0) source = original[source];
                original[i] = source;
                titles[i] = "重磅｜" + titles[source];
                summaries[i] = summaries[source][..(summaries[source].Length * 3 / 4)] + "（本文转载自某公众号，有删改）";
            }
            else
            {
                titles[i] = Text(random, 12 + random.Next(16));
                summaries[i] = Text(random, 60 + random.Next(120));
            }
        }

        var clock = Stopwatch.StartNew();
        var fingerprints = new TextFingerprint[size];
        Parallel.For(0, size, i => fingerprints[i] = hasher.Fingerprint(titles[i], summaries[i]));

        var parent = new int[size];
        for (var i = 0; i < size; i++) parent[i] = i;
        var lookback = TimeSpan.FromDays(options.LookbackDays).Ticks;
        Dictionary<long, List<int>> current = [], previous = [];
        long period = 0;
        long candidates = 0;
        var seen = new HashSet<int>();
        for (var i = 0; i < size; i++)
        {
            if (times[i] / lookback != period)
            {
                period = times[i] / lookback;
                (previous, current) = (current, []);   // older periods are beyond the lookback: dropped
            }
            var fingerprint = fingerprints[i];
            if (!fingerprint.Comparable) continue;
            var keys = hasher.BandKeys(fingerprint.Signature);
            seen.Clear();
            foreach (var key in keys)
            {
                foreach (var index in new[] { current, previous })
                {
                    if (!index.TryGetValue(key, out var bucket)) continue;
                    for (var b = bucket.Count - 1; b >= 0 && b >= bucket.Count - options.MaxBucketCandidates; b--)
                    {
                        var other = bucket[b];
                        if (!seen.Add(other)) continue;
                        candidates++;
                        if (times[i] - times[other] <= lookback
                            && MinHasher.Similarity(fingerprints[other].Signature, fingerprint.Signature) >= options.Threshold)
                            Union(parent, i, other);
                    }
                }
            }
            foreach (var key in keys)
            {
                if (!current.TryGetValue(key, out var bucket)) current[key] = bucket = [];
                bucket.Add(i);
            }
        }
        var elapsed = clock.Elapsed;

        int stories = 0, retold = 0, found = 0;
        for (var i = 0; i < size; i++)
        {
            if (Find(parent, i) == i) stories++;
            if (original[i] < 0) continue;
            retold++;
            if (Find(parent, i) == Find(parent, original[i])) found++;
        }
        return new Result(elapsed, stories, retold, found, candidates);
    }

    private static string Text(Random random, int length)
    {
        var builder = new StringBuilder(length + 16);
        while (builder.Length < length)
        {
            if (random.Next(12) == 0) builder.Append(' ').Append(Terms[random.Next(Terms.Length)]).Append(' ');
            else builder.Append(Han[random.Next(Han.Length)]);
        }
        return builder.ToString();
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
