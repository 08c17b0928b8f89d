namespace Telematics.Training.Packaging;

/// <summary>What the exported graph's raw output is, as found by running it against ML.NET's own predictions.</summary>
public enum PackagedOutput
{
    /// <summary>The expected annual claim frequency itself (manifest output kind <c>frequency</c>).</summary>
    Frequency = 0,

    /// <summary>
    /// The natural log of the expected annual claim frequency, the trees' raw margin before ML.NET's final exp
    /// (manifest output kind <c>score</c>); the calibration knots are then on the log scale.
    /// </summary>
    LogFrequency = 1,
}
