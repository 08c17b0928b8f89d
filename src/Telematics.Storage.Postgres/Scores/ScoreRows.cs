using Npgsql;

using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Storage.Postgres.Scores;

/// <summary>The one mapping of a <c>risk_scores</c> row to a <see cref="RiskScoreRecord"/>, for every read of scores.</summary>
internal static class ScoreRows
{
    /// <summary>The columns <see cref="Map"/> reads, in order (a query may select more after them).</summary>
    public const string Columns =
        "score_id, driver_id, scored_at, period_start, period_end, score, category, raw_output, model_name, model_version, experiment, variant, features, contributions, out_of_range_share, score_low, score_high, observed_days";

    /// <summary>
    /// Newest first. Two scores of one instant (a clock that did not move, two hosts in one microsecond) are told apart by
    /// their ids, so every read agrees on which is the latest: the one stored last.
    /// </summary>
    public const string NewestFirst = "scored_at DESC, score_id DESC";

    /// <summary>Number of columns in <see cref="Columns"/>: the ordinal of the first column after them.</summary>
    public const int Count = 18;

    public static RiskScoreRecord Map(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(1),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(4)),
            reader.GetDouble(5),
            (RiskCategory)reader.GetInt16(6),
            reader.GetDouble(7),
            reader.GetString(8),
            reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            reader.IsDBNull(11) ? null : reader.GetString(11),
            reader.GetFieldValue<float[]>(12),
            reader.GetFieldValue<float[]>(13))
        {
            ScoreId = reader.GetInt64(0),
            OutOfRangeShare = reader.IsDBNull(14) ? null : reader.GetFloat(14),
            Interval = IntervalColumns.Read(reader, 15),
            ObservedDays = reader.IsDBNull(17) ? null : reader.GetFloat(17),
        };
}
