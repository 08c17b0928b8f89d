using Npgsql;

using NpgsqlTypes;

using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>The <c>score_low, score_high</c> columns of <c>risk_scores</c> and <c>shadow_scores</c>, written by binary COPY and read back.</summary>
internal static class IntervalColumns
{
    /// <summary>
    /// Reads the interval whose ends are at <paramref name="lowOrdinal"/> and the ordinal after it. The level is not stored:
    /// every interval is at <see cref="SamplingNoise.Level"/>. The tables' checks keep both ends null or neither.
    /// </summary>
    public static ScoreInterval? Read(NpgsqlDataReader reader, int lowOrdinal) =>
        reader.IsDBNull(lowOrdinal) ? null : new ScoreInterval(reader.GetFloat(lowOrdinal), reader.GetFloat(lowOrdinal + 1), SamplingNoise.Level);

    /// <summary>Writes the interval's ends as <c>real</c>, or two nulls for a score without one.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter copy, ScoreInterval? interval, CancellationToken cancellationToken)
    {
        if (interval is { } ends)
        {
            await copy.WriteAsync((float)ends.Low, NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync((float)ends.High, NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
