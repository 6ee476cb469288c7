using EmbeddedAiReport.Storage;

namespace EmbeddedAiReport.Tests.Storage;

public sealed class MigrationSetTests
{
    [Fact]
    public void MigrationNames_BothProviders_HaveTheSameNumberedScripts()
    {
        var sqlite = ReportDatabase.MigrationNames(StorageProvider.Sqlite);

        Assert.Equal(sqlite, ReportDatabase.MigrationNames(StorageProvider.Postgres));
        Assert.Contains("0001_init", sqlite);
    }
}
