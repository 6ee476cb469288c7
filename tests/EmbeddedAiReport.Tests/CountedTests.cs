namespace EmbeddedAiReport.Tests;

/// <summary>Names in a log line: the daemon's start says ten sources by name and how many more (README, 4102 and 4105).</summary>
public sealed class CountedTests
{
    private static List<string> Names(int count) => Enumerable.Range(1, count).Select(i => $"s{i:00}").ToList();

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "s01")]
    [InlineData(10, "s01, s02, s03, s04, s05, s06, s07, s08, s09, s10")]
    [InlineData(11, "s01, s02, s03, s04, s05, s06, s07, s08, s09, s10 and 1 more")]
    [InlineData(406, "s01, s02, s03, s04, s05, s06, s07, s08, s09, s10 and 396 more")]
    public void Named_TenOrFewer_AllOfThem_More_TenAndHowManyMore(int count, string expected)
    {
        Assert.Equal(expected, Counted.Named(Names(count)));
    }
}
