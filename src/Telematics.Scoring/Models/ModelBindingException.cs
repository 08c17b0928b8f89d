namespace Telematics.Scoring.Models;

/// <summary>A model's inputs or outputs do not match its feature schema or manifest; the message names the difference.</summary>
public sealed class ModelBindingException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ModelBindingException()
    {
    }

    /// <summary>Creates the exception with a message naming the difference.</summary>
    /// <param name="message">What does not match.</param>
    public ModelBindingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What does not match.</param>
    /// <param name="innerException">The cause.</param>
    public ModelBindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
