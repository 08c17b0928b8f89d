namespace Telematics.Scoring.Pricing;

/// <summary>A pricing plan is invalid; <see cref="Field"/> names the offending field.</summary>
public sealed class PricingPlanException : Exception
{
    /// <summary>Creates the exception with a message naming <paramref name="field"/>.</summary>
    /// <param name="field">JSON-style path of the offending field, for example <c>mileage_bands[2].factor</c>.</param>
    /// <param name="problem">What is wrong and what is expected.</param>
    public PricingPlanException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>Creates the exception with a message naming <paramref name="field"/> and the error that caused it.</summary>
    /// <param name="field">JSON-style path of the offending field.</param>
    /// <param name="problem">What is wrong and what is expected.</param>
    /// <param name="innerException">The underlying error, for example a JSON syntax error.</param>
    public PricingPlanException(string field, string problem, Exception innerException)
        : base($"{field}: {problem}", innerException)
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>JSON-style path of the offending field; <c>$</c> for the whole document.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field, without the field name.</summary>
    public string Problem { get; }
}
