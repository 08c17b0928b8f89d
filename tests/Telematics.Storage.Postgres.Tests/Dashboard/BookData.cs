using System.Globalization;

using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Dashboard;

/// <summary>Writes drivers, trips, scores and premiums through the repositories (trips by SQL) for the admin read tests.</summary>
internal sealed class BookData(PostgresDatabase database)
{
    private readonly DriverRepository _drivers = new(database.DataSource, TimeProvider.System);
    private readonly ScoreRepository _scores = new(database.DataSource, TimeProvider.System);
    private readonly PremiumRepository _premiums = new(database.DataSource, TimeProvider.System);

    public async Task<long> DriverAsync(string name) =>
        (await _drivers.CreateAsync("ext-" + name + "-" + Guid.NewGuid().ToString("N"), name, Actor)).DriverId;

    public async Task TripAsync(long driverId, DateTimeOffset startedAt, double km) =>
        await ExecuteAsync(database.DataSource, string.Create(CultureInfo.InvariantCulture,
            $"INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, feature_schema, feature_version, features) " +
            $"VALUES ({driverId}, '{startedAt:O}', '{startedAt.AddMinutes(20):O}', {km:R}, 10, 0, 0, 0, 'telematics', 1, array_fill(0::real, ARRAY[29]))"));

    public async Task<long> ScoreAsync(long driverId, DateTimeOffset scoredAt, double score, string? experiment = null, string? variant = null) =>
        await _scores.AddAsync(
            new RiskScoreRecord(driverId, scoredAt, scoredAt.AddDays(-30), scoredAt, score, RiskCategories.FromScore(score), score / 100, "builtin-rules", "1", experiment, variant, new float[29], new float[29]),
            Actor);

    public async Task PremiumAsync(long driverId, DateTimeOffset effectiveAt, string currency, decimal amount) =>
        await _premiums.AddAsync(new PremiumRecord(driverId, null, effectiveAt, currency, amount, amount, "{}"), Actor);
}
