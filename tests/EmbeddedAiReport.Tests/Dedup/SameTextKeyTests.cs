using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// The same-text index's key (migration 0023, <see cref="SqlDialect.TextKey"/>): the text hash's first 8 hex digits read as
/// a signed 32-bit integer, the same on both providers. Expected values are Python's <c>struct.unpack('>i',
/// bytes.fromhex(h[:8]))</c>. Seen failing on SQLite with the first digit read from "0123456789ABCDEF" (unsigned: FFFFFFFF
/// gave 4294967295).
/// </summary>
public abstract class SameTextKeyTests : IDisposable
{
    public sealed class OnSqlite() : SameTextKeyTests(StorageProvider.Sqlite);

    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres() : SameTextKeyTests(StorageProvider.Postgres);

    private readonly TempDirectory _directory = new();
    private readonly TestDatabase _database;

    private SameTextKeyTests(StorageProvider provider) => _database = TestDatabase.Create(provider, _directory);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", 0L)]
    [InlineData("7FFFFFFF000000000000000000000000", 2147483647L)]
    [InlineData("80000000000000000000000000000000", -2147483648L)]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", -1L)]
    [InlineData("0123ABCD000000000000000000000000", 19114957L)]
    [InlineData("9F7F6C12FE9EAE3A8170E10177987E3C", -1619039214L)]
    public async Task TextKey_OfAHash_IsItsFirstEightDigitsAsASigned32BitInteger(string hash, long expected)
    {
        await using var database = _database.Open();
        await database.MigrateAsync(CancellationToken.None);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand(null, $"SELECT {database.Dialect.TextKey("@hash")}");
        command.AddParameter("@hash", hash);

        Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
