namespace Telematics.Storage.Postgres.Scores;

/// <summary>Mean risk score of one driver over one UTC month.</summary>
/// <param name="MonthStart">First instant of the month (UTC).</param>
/// <param name="MeanScore">Mean of the month's scores, 0–100.</param>
/// <param name="Count">Number of scores in the month.</param>
public readonly record struct ScoreTrendPoint(DateTimeOffset MonthStart, double MeanScore, int Count);
