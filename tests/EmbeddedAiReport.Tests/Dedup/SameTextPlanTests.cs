using EmbeddedAiReport.Dedup;
using EmbeddedAiReport.Storage;
using EmbeddedAiReport.Tests.Support;

namespace EmbeddedAiReport.Tests.Dedup;

/// <summary>
/// The same-text lookups reach the same-text index on SQLite. The index is keyed by an expression, the hash's first 8 digits
/// (migration 0022), and a query reaches it only when it names that expression as the index does: a key term of another
/// length, or one the planner rewrites, still finds the right rows, by scanning every signature. Results cannot show that,
/// so the plan is read (SQLite's <c>EXPLAIN QUERY PLAN</c> details: "SEARCH s USING INDEX …", never "SCAN s"). Seen failing
/// with the key term's length 16 in the query.
/// </summary>
public sealed class SameTextPlanTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(nameof(StoryCommands.SameText))]
    [InlineData(nameof(StoryCommands.StoredHashes))]
    public async Task SameTextLookup_OnSqlite_SearchesTheSameTextIndex(string query)
    {
        await using var database = new ReportDatabase(_directory.File("report.db"));
        await database.MigrateAsync(CancellationToken.None);
        var dialect = new SqliteDialect(_directory.File("report.db"));
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var pipeline = new CommandPipeline(dialect, connection, transaction);
        using var commands = new StoryCommands(dialect, pipeline, connection, transaction);
        var command = query == nameof(StoryCommands.SameText) ? commands.SameText : commands.StoredHashes;

        await using var explain = connection.CreateCommand(transaction, "EXPLAIN QUERY PLAN " + command.CommandText);
        var details = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                details.Add(reader.GetString(3));

        Assert.Contains(details, detail => detail.StartsWith("SEARCH s USING INDEX entry_signatures_text", StringComparison.Ordinal));
        Assert.DoesNotContain(details, detail => detail.StartsWith("SCAN s", StringComparison.Ordinal));
    }
}
