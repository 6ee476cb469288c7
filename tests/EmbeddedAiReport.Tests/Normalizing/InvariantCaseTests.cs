using EmbeddedAiReport.Normalizing;

namespace EmbeddedAiReport.Tests.Normalizing;

public sealed class InvariantCaseTests
{
    [Fact]
    public void Lower_EveryUtf16CodeUnit_SameAsToLowerInvariant()
    {
        var different = new List<int>();
        for (var i = 0; i <= char.MaxValue; i++)
            if (InvariantCase.Lower((char)i) != char.ToLowerInvariant((char)i)) different.Add(i);
        Assert.Empty(different);
    }

    [Theory]
    [InlineData('A', 'a')]
    [InlineData('Z', 'z')]
    [InlineData('[', '[')]
    [InlineData('量', '量')]
    [InlineData('Ä', 'ä')]
    [InlineData('Ω', 'ω')]
    public void Lower_Character_LowerCase(char input, char expected)
    {
        Assert.Equal(expected, InvariantCase.Lower(input));
    }
}
