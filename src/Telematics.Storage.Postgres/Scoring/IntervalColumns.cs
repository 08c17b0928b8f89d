using Npgsql;

using NpgsqlTypes;

using Telematics.Scoring.Results;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>The <c>score_low, score_high</c> columns of <c>risk_scores</c> and <c>shadow_scores</c> in a binary COPY.</summary>
internal static class IntervalColumns
{
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
