using Npgsql;

using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Premiums;

/// <summary>The one mapping of a <c>premiums</c> row to a <see cref="PremiumRecord"/>, and the one order of "newest first".</summary>
internal static class PremiumRows
{
    /// <summary>The columns <see cref="Map"/> reads, in order.</summary>
    public const string Columns = "premium_id, driver_id, score_id, effective_at, currency, base_amount, final_amount, breakdown::text";

    /// <summary>
    /// Newest first. Two premiums of one instant (a clock that did not move, two hosts in one microsecond) are
    /// told apart by their ids, so every read agrees on which is the current one: the one stored last.
    /// </summary>
    public const string NewestFirst = "effective_at DESC, premium_id DESC";

    public static PremiumRecord Map(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
            reader.GetString(4),
            reader.GetDecimal(5),
            reader.GetDecimal(6),
            reader.GetString(7))
        { PremiumId = reader.GetInt64(0) };
}
