using System.Security.Cryptography;

using Npgsql;

using Telematics.Features.Samples;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.Infrastructure;

/// <summary>Builds the storage services over a fixture database, migrated.</summary>
internal static class StorageTestContext
{
    public static readonly AuditActor Actor = new("test:runner");

    public static async Task MigrateAsync(PostgresDatabase database) =>
        await new MigrationRunner(database.DataSource).ApplyAsync();

    public static PartitionManager NewPartitionManager(PostgresDatabase database, TimeProvider? time = null, TelematicsPostgresOptions? options = null) =>
        new(database.DataSource, options ?? new TelematicsPostgresOptions(), time ?? TimeProvider.System);

    public static EventIngestor NewIngestor(PostgresDatabase database, PartitionManager? partitions = null) =>
        new(database.DataSource, partitions ?? NewPartitionManager(database), TimeProvider.System);

    /// <summary>One sample per second from <paramref name="start"/>, event ids from <paramref name="firstEventId"/>.</summary>
    public static SampleBuffer Samples(DateTimeOffset start, int count, long firstEventId = 1)
    {
        var buffer = new SampleBuffer(count);
        for (var i = 0; i < count; i++)
        {
            buffer.Add(new TelematicsSample(start.AddSeconds(i).ToUnixTimeMilliseconds(), -25.43 + (i * 1e-5), -49.27 + (i * 1e-5))
            {
                SpeedMps = 10 + (i % 7),
                HeadingDeg = float.NaN,
                LongitudinalAccelMps2 = (i % 5) - 2,
                LateralAccelMps2 = 0.5f,
                GpsAccuracyM = 4,
                SpeedLimitMps = float.NaN,
                RoadClass = RoadClass.Primary,
                Flags = i % 11 == 0 ? SampleFlags.PhoneHandheld : SampleFlags.None,
                EventId = firstEventId + i,
            });
        }

        return buffer;
    }

    public static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static PemAuditSigningKeyProvider NewSigningKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new PemAuditSigningKeyProvider(key.ExportPkcs8PrivateKeyPem());
    }
}
