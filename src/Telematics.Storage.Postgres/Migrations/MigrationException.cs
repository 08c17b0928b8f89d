namespace Telematics.Storage.Postgres.Migrations;

/// <summary>Thrown when a migration cannot be applied or an applied one has changed.</summary>
public sealed class MigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationException()
        : this("A migration failed.", string.Empty)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MigrationException(string message)
        : this(message, string.Empty)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MigrationException(string message, Exception innerException)
        : this(message, string.Empty, innerException)
    {
    }

    /// <summary>Creates the exception naming the migration.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="migrationName">File name of the migration concerned.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MigrationException(string message, string migrationName, Exception? innerException = null)
        : base(message, innerException)
    {
        MigrationName = migrationName;
    }

    /// <summary>File name of the migration concerned, e.g. <c>0002_telematics_events.sql</c>; empty when unknown.</summary>
    public string MigrationName { get; }
}
