using EmbeddedAiReport.Ranking;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Ranking;

public sealed class TrainingFilesTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, string text)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    // config/training/README.md: a *.jsonl file holds one object per line; an off-topic file ([title, summary] pairs) given
    // to --negatives by mistake, or a line that is a bare string, is a problem naming the file and line, not a crash.
    [Theory]
    [InlineData("""[["足球联赛周末综述", "本周联赛第十轮……"]]""")]
    [InlineData("\"手机 NPU 上的 INT8 量化\"")]
    public void ReadFlood_LineNotAnObject_IsAProblemNamingTheFileAndLine(string line)
    {
        var path = Write("negatives.jsonl", """{"title": "端侧推理引擎的剪枝加速", "summary": "剪枝。"}""" + "\n" + line + "\n");

        var (entries, problem) = TrainingFiles.ReadFlood(path);

        Assert.NotNull(problem);
        Assert.StartsWith($"{path}: line 2: expected an object", problem);
        Assert.Single(entries);
    }

    // README: offtopic-posts.json holds [title, summary] pairs. A pair with a missing or null part is a problem naming the
    // file and the pair; it was a crash (null) or left out without a word (one string). A third string is no pair either.
    [Theory]
    [InlineData("""[["楼市与基金的一周", "本周楼市……"], ["足球联赛周末综述", null]]""")]
    [InlineData("""[["楼市与基金的一周", "本周楼市……"], ["足球联赛周末综述"]]""")]
    [InlineData("""[["楼市与基金的一周", "本周楼市……"], ["足球联赛周末综述", "本周联赛第十轮……", "体育"]]""")]
    [InlineData("""[["楼市与基金的一周", "本周楼市……"], null]""")]
    public void ReadOffTopic_PairWithoutTitleAndSummary_IsAProblemNamingTheFileAndPair(string json)
    {
        var path = Write("offtopic.json", json);

        var (entries, problem) = TrainingFiles.ReadOffTopic(path);

        Assert.NotNull(problem);
        Assert.StartsWith($"{path}: pair 2: expected [title, summary]", problem);
        Assert.Empty(entries);
    }

    // A file that is not there is said so, not as a JSON problem at "line 0" or a list of pairs the file should have held.
    [Fact]
    public void Read_MissingFile_SaysItCannotBeRead()
    {
        var path = _folder.File("missing.jsonl");

        var (_, flood) = TrainingFiles.ReadFlood(path);
        var (_, offTopic) = TrainingFiles.ReadOffTopic(path);

        Assert.StartsWith($"{path}: cannot be read: Could not find file", flood);
        Assert.StartsWith($"{path}: cannot be read: Could not find file", offTopic);
    }
}
