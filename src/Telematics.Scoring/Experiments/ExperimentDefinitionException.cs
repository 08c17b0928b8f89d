namespace Telematics.Scoring.Experiments;

/// <summary>An experiment definition is invalid; <see cref="Field"/> names the offending field.</summary>
public sealed class ExperimentDefinitionException : Exception
{
    /// <summary>Creates the exception with a message naming <paramref name="field"/>.</summary>
    /// <param name="field">JSON-style path of the offending field, for example <c>variants[1].weight_bp</c>.</param>
    /// <param name="message">What is wrong and what is expected.</param>
    public ExperimentDefinitionException(string field, string message)
        : base($"{field}: {message}")
    {
        Field = field;
        Problem = message;
    }

    /// <summary>Creates the exception with a message naming <paramref name="field"/> and the error that caused it.</summary>
    /// <param name="field">JSON-style path of the offending field.</param>
    /// <param name="message">What is wrong and what is expected.</param>
    /// <param name="innerException">The underlying error, for example a JSON syntax error.</param>
    public ExperimentDefinitionException(string field, string message, Exception innerException)
        : base($"{field}: {message}", innerException)
    {
        Field = field;
        Problem = message;
    }

    /// <summary>JSON-style path of the offending field, for example <c>variants[1].weight_bp</c>; <c>$</c> for the document.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field, without the field name.</summary>
    public string Problem { get; }
}
