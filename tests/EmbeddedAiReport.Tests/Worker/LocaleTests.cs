using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>The machine's locale does not reach dates the product writes: drafts, listings, file names and links.</summary>
/// <remarks>
/// Under a Thai locale .NET's current culture formats dates in the Buddhist calendar (2020 is 2563), so the locale is set
/// for a child process of its own, as a server's <c>LANG</c> would be.
/// </remarks>
public sealed class LocaleTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public async Task Commands_UnderAThaiLocale_WriteGregorianDates()
    {
        var thai = new Dictionary<string, string> { ["LANG"] = "th_TH.UTF-8", ["LC_ALL"] = "th_TH.UTF-8" };
        var config = _folder.ConfigWithSources("""{"sources": []}""");
        string[] where = ["--config", config, "--db", _folder.File("report.db")];

        var import = await CliRunner.RunChildAsync(thai, ["import-issue", Path.Combine(Fixtures.Root, "corpus", "2020-05-15.md"), .. where]);
        var issues = await CliRunner.RunChildAsync(thai, ["issue", .. where]);
        var entries = await CliRunner.RunChildAsync(thai, ["entries", "--from", "2020-05-01", "--to", "2020-05-15", .. where]);
        var export = await CliRunner.RunChildAsync(thai, ["export", "--from", "2020-05-16", "--to", "2020-05-29", .. where]);

        Assert.Equal([0, 0, 0, 0], new[] { import.ExitCode, issues.ExitCode, entries.ExitCode, export.ExitCode });
        Assert.Contains("2020-05-15", issues.Out);
        Assert.Contains("(2020-05-01 .. 2020-05-15)", entries.Out + entries.Error);
        Assert.Contains("# 嵌入式AI简报 (2020-05-29)", export.Out);
        Assert.Contains("[2020-05-15](../embedded-ai-report/2020-05-15.md)", export.Out);
        Assert.All(new[] { import, issues, entries, export }, r => Assert.DoesNotContain("2563", r.Out + r.Error));
    }

    public void Dispose() => _folder.Dispose();
}
