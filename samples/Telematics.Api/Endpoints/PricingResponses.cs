using System.Text.Json;

namespace Telematics.Api.Endpoints;

/// <summary>One page of a driver's premiums, newest first.</summary>
/// <param name="Page">Page number, from 1.</param>
/// <param name="PageSize">Most items per page.</param>
/// <param name="Items">The premiums.</param>
internal sealed record PremiumPage(int Page, int PageSize, IReadOnlyList<PremiumResponse> Items);

/// <summary>The current premium with how it was reached.</summary>
/// <param name="Premium">The current premium.</param>
/// <param name="Breakdown">
/// The stored breakdown: <c>plan</c>, <c>currency</c>, <c>premium</c>, <c>score</c>, <c>annual_km</c>, <c>region</c> (null = the plan's
/// default), <c>age_band</c> and <c>vehicle_class</c> (null = not on record), <c>rounding</c> and the <c>steps</c> (base rate, age
/// and vehicle relativities, risk multiplier or frequency relativity with credibility and cap, mileage, discounts, cap, rounding, floor/ceiling).
/// </param>
internal sealed record PremiumBreakdownResponse(PremiumResponse Premium, JsonElement Breakdown);

/// <summary>The body of <c>POST /pricing/{driverId}/simulate</c>: what to change, all optional.</summary>
/// <param name="Features">Feature values by name (schema <c>telematics</c> v1) replacing the driver's; the driver is re-scored with them unless <paramref name="Score"/> is given.</param>
/// <param name="Score">A risk score 0–100 to price instead of the (re-)scored one.</param>
/// <param name="AnnualKm">Annual distance, km, instead of the driver's annualised one; required when the driver has no stored score.</param>
/// <param name="Region">Region code instead of the driver's.</param>
/// <param name="AgeBand">Age band code instead of the driver's (under25, 25_39, 40_64, over65).</param>
/// <param name="VehicleClass">Vehicle class code instead of the driver's (small, family, suv, performance).</param>
/// <param name="ObservedDays">
/// Days of driving data a relativity plan credits, 1–3,660, instead of those the driver's score rests on: what the same
/// frequency would cost once the insurer knows the driver that long. Changes the credibility only, not the score.
/// </param>
internal sealed record SimulateRequest(
    Dictionary<string, double>? Features, double? Score, double? AnnualKm, string? Region, string? AgeBand = null, string? VehicleClass = null,
    double? ObservedDays = null);

/// <summary>What the premium would be; nothing is stored.</summary>
/// <param name="Score">The score priced.</param>
/// <param name="Category">Its band.</param>
/// <param name="Rescored">Whether the score came from re-scoring the changed features (false: the stored or the given score).</param>
/// <param name="AnnualKm">The distance priced, km a year.</param>
/// <param name="Region">The region priced; null for the plan's default.</param>
/// <param name="Premium">The simulated annual premium.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="CurrentPremium">The driver's current stored premium, for comparison; null when none.</param>
/// <param name="Breakdown">The simulated premium's breakdown (same shape as the stored one).</param>
internal sealed record SimulateResponse(
    double Score, string Category, bool Rescored, double AnnualKm, string? Region, decimal Premium, string Currency, decimal? CurrentPremium, JsonElement Breakdown);
