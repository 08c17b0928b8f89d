namespace Telematics.Storage.Postgres.Migrations;

/// <summary>One embedded schema migration.</summary>
/// <param name="Version">Number from the file name (<c>0003_audit_log.sql</c> is 3); migrations apply in this order.</param>
/// <param name="Name">File name, e.g. <c>0003_audit_log.sql</c>.</param>
/// <param name="Sql">The SQL script, run as one transaction.</param>
/// <param name="Checksum">SHA-256 of the script's UTF-8 bytes, recorded when applied.</param>
public sealed record Migration(int Version, string Name, string Sql, ReadOnlyMemory<byte> Checksum);
