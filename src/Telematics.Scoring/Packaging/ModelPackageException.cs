namespace Telematics.Scoring.Packaging;

/// <summary>A model package could not be loaded or failed validation; the message names the package and the problem.</summary>
public sealed class ModelPackageException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public ModelPackageException()
    {
    }

    /// <summary>Creates the exception with a message naming the package and the problem.</summary>
    /// <param name="message">What is wrong.</param>
    public ModelPackageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ModelPackageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
