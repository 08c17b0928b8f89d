using Npgsql;

namespace Telematics.Storage.Postgres.Experiments;

/// <summary>The command of a read over one experiment's scores in a period: <c>$1</c> experiment, <c>$2</c> from, <c>$3</c> to.</summary>
internal static class ExperimentPeriodCommand
{
    /// <summary>Checks the arguments and creates the command of <paramref name="sql"/> with its three parameters.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="experiment"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public static NpgsqlCommand Create(NpgsqlDataSource dataSource, string sql, string experiment, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = experiment });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        return command;
    }
}
