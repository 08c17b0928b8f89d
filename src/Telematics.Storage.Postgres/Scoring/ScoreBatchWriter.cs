using System.Buffers;
using System.Text.Json;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Schema;
using Telematics.Scoring.Results;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// Writes scored drivers' <c>risk_scores</c> and <c>premiums</c> rows inside the caller's transaction by binary COPY:
/// the score ids are taken from the identity sequence first (one round trip) so that each premium can point at its score.
/// </summary>
internal static class ScoreBatchWriter
{
    private const string ScoreCopy =
        "COPY risk_scores (score_id, driver_id, scored_at, period_start, period_end, score, category, raw_output, model_name, model_version, " +
        "experiment, variant, features, contributions, reference_score, reference, out_of_range_share, score_low, score_high, observed_days) FROM STDIN (FORMAT BINARY)";

    private const string PremiumCopy =
        "COPY premiums (premium_id, driver_id, score_id, effective_at, currency, base_amount, final_amount, breakdown) FROM STDIN (FORMAT BINARY)";

    /// <summary>Stores every scored outcome of <paramref name="scored"/> and returns the ids its scores and premiums got.</summary>
    public static async Task<StoredScoreIds> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DriverScoreOutcome> scored,
        DateTimeOffset scoredAt, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (scored.Count == 0)
        {
            return new StoredScoreIds([], []);
        }

        var (scoreIds, premiumIds) = await NextIdsAsync(connection, transaction, scored.Count, cancellationToken).ConfigureAwait(false);
        var width = TelematicsFeatures.Schema.Count;
        var contributions = new float[width];
        var reference = new float[width];
        await using (var copy = await connection.BeginBinaryImportAsync(ScoreCopy, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < scored.Count; i++)
            {
                var outcome = scored[i];
                var score = outcome.Score!;
                ToSchemaOrder(score, outcome.ObservedDays, contributions, reference);
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoreIds[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(outcome.DriverId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(from.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(to.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(score.Score, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync((short)score.Category, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(score.RawOutput, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(score.ModelName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(score.ModelVersion, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(copy, score.Experiment?.Experiment, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(copy, score.Experiment?.Variant, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(outcome.Features, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(contributions, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(score.ReferenceScore, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(reference, NpgsqlDbType.Array | NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                if (score.OutOfRangeShare is { } share)
                {
                    await copy.WriteAsync((float)share, NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await IntervalColumns.WriteAsync(copy, score.Interval, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync((float)outcome.ObservedDays, NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // The breakdown goes to the server as the UTF-8 the JSON writer produced, one buffer for the whole COPY: no string.
        var breakdown = new ArrayBufferWriter<byte>(2048);
        await using var breakdownJson = new Utf8JsonWriter(breakdown);
        await using (var copy = await connection.BeginBinaryImportAsync(PremiumCopy, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < scored.Count; i++)
            {
                var outcome = scored[i];
                var quote = outcome.Quote!;
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(premiumIds[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(outcome.DriverId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoreIds[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(quote.Currency, NpgsqlDbType.Char, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(quote.Steps[0].Value, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(quote.Premium, NpgsqlDbType.Numeric, cancellationToken).ConfigureAwait(false);
                breakdown.ResetWrittenCount();
                breakdownJson.Reset(breakdown);
                PremiumBreakdownJson.Write(breakdownJson, quote, outcome.Score!.Score, outcome.AnnualKm, outcome.Cell);
                await copy.WriteAsync(breakdown.WrittenMemory, NpgsqlDbType.Json, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return new StoredScoreIds(scoreIds, premiumIds);
    }

    /// <summary>
    /// Spreads a score's contributions and reference values over the stored vector's order (telematics@1); NaN reference =
    /// feature not used by the model. A telematics@2 model's <c>annual_km</c>, <c>driving_hours_per_week</c> and
    /// <c>trips_per_week</c> are the same measures as v1's <c>distance_km</c>, <c>driving_hours</c> and <c>trip_count</c>
    /// at the same positions: their points go there too (else the stored points no longer sum to score − reference), with
    /// the reference brought to the units of the driver's stored value over <paramref name="observedDays"/>, the window the
    /// model's rates were made over (<see cref="TelematicsFeaturesV2.FromV1"/>), so the two compare as the model compared them.
    /// </summary>
    internal static void ToSchemaOrder(RiskScore score, double observedDays, Span<float> contributions, Span<float> reference)
    {
        contributions.Clear();
        reference.Fill(float.NaN);
        foreach (var factor in score.Contributions)
        {
            if (TelematicsFeatures.Schema.TryGetIndex(factor.Feature, out var index))
            {
                contributions[index] = (float)factor.Points;
                reference[index] = factor.Reference;
            }
            else if (TelematicsFeaturesV2.Schema.TryGetIndex(factor.Feature, out index) && index < WindowedCount)
            {
                contributions[index] = (float)factor.Points;
                reference[index] = (float)(factor.Reference * InWindow(index, observedDays));
            }
        }
    }

    // v2's first three features are v1's period totals as rates (FromV1: a year of 365.25 days, a week of 7); the rest are
    // shared by name.
    private const int WindowedCount = 3;

    private static double InWindow(int index, double observedDays) =>
        index == 0 ? observedDays / TelematicsFeaturesV2.DaysPerYear : observedDays / 7.0;

    // Score and premium ids for the whole chunk in one round trip, so that each premium can point at its score.
    private static async Task<(long[] ScoreIds, long[] PremiumIds)> NextIdsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT nextval(s.score), nextval(s.premium) FROM (SELECT pg_get_serial_sequence('risk_scores', 'score_id')::regclass AS score, " +
            "pg_get_serial_sequence('premiums', 'premium_id')::regclass AS premium) s, generate_series(1, $1)",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var scoreIds = new long[count];
        var premiumIds = new long[count];
        var n = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scoreIds[n] = reader.GetInt64(0);
            premiumIds[n++] = reader.GetInt64(1);
        }

        return (scoreIds, premiumIds);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
