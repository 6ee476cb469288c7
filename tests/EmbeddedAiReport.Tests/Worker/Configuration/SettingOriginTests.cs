using EmbeddedAiReport.Worker.Configuration;
using Microsoft.Extensions.Configuration;

namespace EmbeddedAiReport.Tests.Worker.Configuration;

/// <summary>
/// A problem names where its value was set: appsettings.json, or the environment variable that overrides it (an operator
/// told "appsettings.json: Storage:Provider: 'postgre' …" of a value set by <c>EAIR_Storage__Provider</c> searched the file).
/// The variables here have a prefix of this test's own, so no other test's configuration reads them.
/// </summary>
public sealed class SettingOriginTests : IDisposable
{
    private readonly string _prefix = $"EAIRTEST{Guid.NewGuid():N}_";
    private readonly List<string> _set = [];

    [Fact]
    public void Of_AValueTheFileHolds_NamesTheFile()
    {
        var configuration = Build("""{"Storage": {"Provider": "postgre"}}""");

        Assert.Equal("appsettings.json", SettingOrigin.Of(configuration, "Storage:Provider", "appsettings.json", _prefix));
    }

    [Fact]
    public void Of_AValueAVariableSetsOverTheFile_NamesTheVariable()
    {
        Set("Storage__Provider", "postgre");
        var configuration = Build("""{"Storage": {"Provider": "sqlite"}}""");

        Assert.Equal($"{_prefix}Storage__Provider", SettingOrigin.Of(configuration, "Storage:Provider", "appsettings.json", _prefix));
    }

    [Fact]
    public void Of_AValueOnlyAVariableSets_NamesTheVariable_AndAKeyNobodySetNamesTheFile()
    {
        Set("Fetching__Timeout", "0s");
        var configuration = Build("{}");

        Assert.Equal($"{_prefix}Fetching__Timeout", SettingOrigin.Of(configuration, "Fetching:Timeout", "appsettings.json", _prefix));
        Assert.Equal("appsettings.json", SettingOrigin.Of(configuration, "Storage:ConnectionString", "appsettings.json", _prefix));
    }

    // The durations are restated for the binder in a layer over the rest (LoadedConfig.Load): the value still came from
    // the variable below that layer, and a file's value from the file.
    [Fact]
    public void Of_BelowTheRestatedDurations_NamesWhereTheValueCameFrom()
    {
        Set("Fetching__Timeout", "-5m");
        var restated = new ConfigurationBuilder()
            .AddConfiguration(Build("""{"Fetching": {"PollBudget": "30m"}}"""))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fetching:Timeout"] = "00:00:30", ["Fetching:PollBudget"] = "00:30:00" })
            .Build();

        Assert.Equal($"{_prefix}Fetching__Timeout", SettingOrigin.Of(restated, "Fetching:Timeout", "appsettings.json", _prefix));
        Assert.Equal("appsettings.json", SettingOrigin.Of(restated, "Fetching:PollBudget", "appsettings.json", _prefix));
    }

    [Theory]
    [InlineData("Storage:Provider: 'postgre' is not one of sqlite, postgres", "{P}Storage__Provider: Storage:Provider: 'postgre' is not one of sqlite, postgres")]
    [InlineData("Draft:Quotas:news: 'ten' is not a whole number", "appsettings.json: Draft:Quotas:news: 'ten' is not a whole number")]
    [InlineData("no key leads this line", "appsettings.json: no key leads this line")]
    public void Locate_LeadsTheProblemWithWhereItsKeyWasSet(string problem, string expected)
    {
        Set("Storage__Provider", "postgre");
        var configuration = Build("""{"Draft": {"Quotas": {"news": "ten"}}}""");

        Assert.Equal(expected.Replace("{P}", _prefix), SettingOrigin.Locate(configuration, problem, "appsettings.json", _prefix));
    }

    // Durations are read before the binder (DurationSettings): a bad one a variable set names the variable too, one of
    // the file the file.
    [Fact]
    public void DurationSettings_ABadDurationAVariableSet_NamesTheVariable()
    {
        Set("Fetching__Timeout", "30");
        var (_, problems) = DurationSettings.Read(Build("""{"Fetching": {"PollBudget": "-5m"}}"""), "appsettings.json", _prefix);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith($"{_prefix}Fetching__Timeout: Fetching:Timeout: ", problems.Single(p => p.Contains("Fetching:Timeout")));
        Assert.StartsWith("appsettings.json: Fetching:PollBudget: ", problems.Single(p => p.Contains("Fetching:PollBudget")));
    }

    private IConfigurationRoot Build(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).AddEnvironmentVariables(_prefix).Build();

    private void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(_prefix + name, value);
        _set.Add(_prefix + name);
    }

    public void Dispose()
    {
        foreach (var name in _set) Environment.SetEnvironmentVariable(name, null);
    }
}
