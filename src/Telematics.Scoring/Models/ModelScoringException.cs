namespace Telematics.Scoring.Models;

/// <summary>A model failed while scoring: its runtime raised an error or returned an output of an unexpected shape or value.</summary>
public sealed class ModelScoringException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ModelScoringException()
    {
    }

    /// <summary>Creates the exception with a message naming the difference.</summary>
    /// <param name="message">What went wrong.</param>
    public ModelScoringException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ModelScoringException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
