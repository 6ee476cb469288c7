using EmbeddedAiReport.Sources;

namespace EmbeddedAiReport.Tests.Sources;

public sealed class DurationTests
{
    // Written as an operator writes them in sources.json (README: "30s, 5m, 1h, 1d, 1w or hh:mm:ss"), in the largest unit
    // that is a whole number of it; a fraction of a second under a minute in seconds (README: CircuitBreakDuration "0.5 s"),
    // longer ones in the clock form.
    [Theory]
    [InlineData(3 * 86400.0, "3d")]
    [InlineData(7 * 86400.0, "7d")]
    [InlineData(36 * 3600.0, "36h")]
    [InlineData(30 * 60.0, "30m")]
    [InlineData(90.0, "90s")]
    [InlineData(0.0, "0s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.1, "0.1s")]
    [InlineData(0.125, "0.125s")]           // every digit the fraction has: 0.13s would read back as another duration
    [InlineData(0.0000001, "0.0000001s")]   // one tick, TimeSpan's smallest step
    [InlineData(61.5, "00:01:01.5000000")]
    public void Format_WritesTheLargestWholeUnit(double seconds, string expected)
    {
        var span = TimeSpan.FromSeconds(seconds);

        Assert.Equal(expected, Duration.Format(span));
        Assert.Equal(span, Duration.TryParse(expected));
    }

    // A duration with a minus is refused, as before, and said to be negative (it was "not a duration", which sent the operator
    // to the forms it was already written in; round 43); a minus before what is no duration says what it did.
    [Theory]
    [InlineData("-5m", "'-5m' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData(" -1.5h", "' -1.5h' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("-00:05:00", "'-00:05:00' is negative; a duration must be positive, written as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("-soon", "'-soon' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("--5m", "'--5m' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    [InlineData("-30", "'-30' has no unit; write a duration as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    // Only a minus makes it negative: another mark before a duration is no duration.
    [InlineData("~5m", "'~5m' is not a duration; write it as 30s, 5m, 1h, 1d, 1w or hh:mm:ss")]
    public void Negative_IsRefusedAndSaidToBeNegative(string text, string expected)
    {
        Assert.Null(Duration.TryParse(text));
        Assert.Equal(expected, Duration.Problem(text));
    }

    // "-0s" read as zero (-0.0 is not below 0) and "-00:00:00" as TimeSpan.Zero: a value allowed to be 0 (politenessDelay,
    // Fetching:HostDelays) took them silently. A minus is refused whatever follows, and a minus zero is said to have the sign.
    [Theory]
    [InlineData("-0s")]
    [InlineData("-0.0h")]
    [InlineData("-00:00:00")]
    public void MinusZero_IsRefusedAndSaidToHaveTheSign(string text)
    {
        Assert.Null(Duration.TryParse(text));
        Assert.Equal($"'{text}' has a minus sign; a duration is written without one, as 30s, 5m, 1h, 1d, 1w or hh:mm:ss", Duration.Problem(text));
        Assert.Equal(TimeSpan.Zero, Duration.TryParse(text[1..]));   // zero itself is a duration; its range is the field's to say
    }
}
