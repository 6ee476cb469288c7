using EmbeddedAiReport.Storage;
using Npgsql;

namespace EmbeddedAiReport.Tests.Support;

/// <summary>The test server's databases: dropping one closes the pooled connections to it and to no other test's database.</summary>
public static class PostgresServerTests
{
    [Trait(ProviderTraits.Name, ProviderTraits.Postgres)]
    public sealed class OnPostgres
    {
        [Fact]
        public void DropDatabase_LeavesThePooledConnectionsOfOtherDatabasesOpen()
        {
            var beside = PostgresServer.CreateDatabase(migrated: false);   // another test's database, its job store's pool in use
            try
            {
                using var dialect = new PostgresDialect(beside);
                var before = BackendOf(dialect.ConnectionString);
                var dropped = PostgresServer.CreateDatabase(migrated: false);
                using (var other = new PostgresDialect(dropped)) BackendOf(other.ConnectionString);

                PostgresServer.DropDatabase(dropped);

                Assert.Equal(before, BackendOf(dialect.ConnectionString));   // the same server process: the pooled connection was kept
            }
            finally
            {
                PostgresServer.DropDatabase(beside);
            }
        }

        // The server process of a pooled connection of connectionString (back in the pool afterwards), as Quartz opens one.
        private static int BackendOf(string connectionString)
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            return (int)command.ExecuteScalar()!;
        }
    }
}
