using System.Data.Common;

namespace EmbeddedAiReport.Storage;

/// <summary>Parameters on provider-neutral commands (ADO.NET's base classes have no <c>AddWithValue</c>).</summary>
internal static class DbCommandParameters
{
    /// <summary>Adds the parameter <paramref name="name"/> (<c>@name</c>) with <paramref name="value"/>; null binds SQL NULL.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A command on <paramref name="connection"/> inside <paramref name="transaction"/>.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
