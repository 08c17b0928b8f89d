namespace Telematics.Training.Pricing;

/// <summary>One row of the balance table: a classical group's observed claims against what the model alone and the corrected price expect.</summary>
/// <param name="Attribute">The classical factor: <c>age band</c>, <c>vehicle class</c> or <c>region</c>.</param>
/// <param name="Group">The group's code.</param>
/// <param name="Drivers">Drivers in the group.</param>
/// <param name="ObservedClaims">Claims observed in the group.</param>
/// <param name="ModelClaims">Claims the telematics model's frequency expects (λ × exposure): the price before the classical correction.</param>
/// <param name="CorrectedClaims">Claims the corrected price expects: classical relativities × λ / λ̄ of the driver's cell, at full credibility.</param>
public sealed record CellBalance(string Attribute, string Group, int Drivers, double ObservedClaims, double ModelClaims, double CorrectedClaims)
{
    /// <summary>Predicted over observed before the correction.</summary>
    public double RatioBefore => ModelClaims / ObservedClaims;

    /// <summary>Predicted over observed after the correction (1 on the data it was fitted on).</summary>
    public double RatioAfter => CorrectedClaims / ObservedClaims;
}
