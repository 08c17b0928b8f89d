namespace Telematics.Service.Storage;

/// <summary>A stored risk score with what it was compared against.</summary>
/// <param name="Record">The <c>risk_scores</c> row: score, model, variant, features and contributions in schema order.</param>
/// <param name="ReferenceScore">The model's reference score; null for rows stored without one.</param>
/// <param name="Reference">Per schema feature, the reference value (NaN: the model does not use the feature); null for rows stored without one.</param>
public sealed record StoredScore(RiskScoreRecord Record, double? ReferenceScore, float[]? Reference);
