namespace Telematics.Service.Storage;

/// <summary>A premium as stored in <c>premiums</c>; the host maps pricing results to it.</summary>
/// <param name="DriverId">The driver priced.</param>
/// <param name="ScoreId">The risk score it was priced from, or <see langword="null"/>.</param>
/// <param name="EffectiveAt">When the premium takes effect (UTC).</param>
/// <param name="Currency">ISO 4217 code, three upper-case letters.</param>
/// <param name="BaseAmount">Premium before telematics adjustment, ≥ 0, two decimals.</param>
/// <param name="FinalAmount">Premium after adjustment, ≥ 0, two decimals.</param>
/// <param name="BreakdownJson">How the final amount was reached, as a JSON object.</param>
public sealed record PremiumRecord(long DriverId, long? ScoreId, DateTimeOffset EffectiveAt, string Currency, decimal BaseAmount, decimal FinalAmount, string BreakdownJson)
{
    /// <summary>Database id; 0 until stored.</summary>
    public long PremiumId { get; init; }
}
