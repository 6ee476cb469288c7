using EmbeddedAiReport.Tests.Support;
using EmbeddedAiReport.Worker;

namespace EmbeddedAiReport.Tests.Worker.Configuration;

/// <summary>What the config folder's parts give the daemon besides the parsed files.</summary>
public sealed class ConfigPartsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ScoringFingerprint_TagsWithoutARanker_IsTheSha256OfTheTagsTextThenNoRanker()
    {
        // A reload rescores when the fingerprint changes (ReloadRescoring): the value a daemon computed before stays the one it
        // computes now. Expected: SHA-256 of the UTF-8 of tags.json's text, a NUL and "<none>", upper-case hex, from Python's
        // hashlib (python3 -c "import hashlib; print(hashlib.sha256((TEXT + '\0<none>').encode()).hexdigest().upper())").
        var config = _directory.ConfigWithSources("""{"sources": []}""");
        File.WriteAllText(Path.Combine(config, "tags.json"), """{"tags": [{"tag": "quantization", "en": ["int8"], "zh": ["量化"]}]}""" + "\n");
        File.Delete(Path.Combine(config, "ranker.json"));

        var loaded = WorkerHost.LoadConfig(config, _directory.File("report.db"));

        Assert.Empty(loaded.Problems);
        Assert.Equal("896E62369ACF8BDA7B99CE15627226644BA7DF2D632FD9874DFA2B68F410389B", loaded.Tagging.ScoringFingerprint);
    }
}
