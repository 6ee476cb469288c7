using EmbeddedAiReport.Worker.Http;

namespace EmbeddedAiReport.Tests.Worker;

/// <summary>
/// A value a refusal quotes back (README, HTTP): its first 100 characters and "…" when longer, never half of a character
/// written as a surrogate pair (an emoji, a CJK character past the BMP such as 𠀀).
/// </summary>
public sealed class EchoedTests
{
    [Fact]
    public void Of_AValueOfExactly100Characters_IsQuotedWhole()
    {
        var value = new string('a', 100);

        Assert.Equal(value, Echoed.Of(value));
    }

    [Fact]
    public void Of_AValueOf101Characters_IsItsFirst100AndAnEllipsis()
    {
        Assert.Equal(new string('a', 100) + "…", Echoed.Of(new string('a', 101)));
    }

    [Fact]
    public void Of_ASurrogatePairAcrossThe100thCharacter_IsLeftOutWhole()
    {
        // 99 ASCII characters, then 𠀀 (U+20000) as characters 100 and 101: cutting at 100 would keep a lone high surrogate.
        var value = new string('a', 99) + "\U00020000" + "tail";

        var quoted = Echoed.Of(value);

        Assert.Equal(new string('a', 99) + "…", quoted);
    }
}
