using System.Globalization;
using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Storage;

// SqliteTime.Read reads the stored format's digits directly: every text must give what DateTimeOffset.ParseExact with
// that format gives (the reference here, not the code under test), or throw what it throws.
public sealed class SqliteTimeTests
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    [Fact]
    public void Read_WrittenInstants_AreWhatParseExactReads()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 20_000; i++)
        {
            var instant = new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
            var text = SqliteTime.Write(instant);

            Assert.Equal(Reference(text), SqliteTime.Read(text));
            Assert.Equal(SqliteTime.Stored(instant), SqliteTime.Read(text));
        }
    }

    [Theory]
    [InlineData("2024-02-29T23:59:59.999Z")]   // a leap day
    [InlineData("0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    [InlineData("2024-05-31T15:20:00.000Z")]
    public void Read_EdgeInstants_AreWhatParseExactReads(string text) => Assert.Equal(Reference(text), SqliteTime.Read(text));

    [Theory]
    [InlineData("2023-02-29T00:00:00.000Z")]   // no such day
    [InlineData("2024-13-01T00:00:00.000Z")]
    [InlineData("2024-00-10T00:00:00.000Z")]
    [InlineData("2024-01-00T00:00:00.000Z")]
    [InlineData("2024-01-01T24:00:00.000Z")]
    [InlineData("2024-01-01T00:60:00.000Z")]
    [InlineData("2024-01-01T00:00:60.000Z")]
    [InlineData("0000-01-01T00:00:00.000Z")]
    [InlineData("2024-01-01T00:00:00.00xZ")]
    [InlineData("2024-01-01 00:00:00.000Z")]
    [InlineData("2024-01-01T00:00:00.000+")]
    [InlineData("２０２４-01-01T00:00:00.000Z")]   // full-width digits are not digits here
    [InlineData("2024-01-01T00:00:00Z")]
    [InlineData("")]
    public void Read_TextThatIsNotAStoredInstant_ThrowsWhatParseExactThrows(string text)
    {
        var expected = Record.Exception(() => Reference(text));
        var actual = Record.Exception(() => SqliteTime.Read(text));

        Assert.NotNull(expected);
        Assert.IsType(expected.GetType(), actual);
    }

    private static DateTimeOffset Reference(string text) =>
        DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
