using Telematics.Features.Cleaning;
using Telematics.Features.Derivation;
using Telematics.Features.Extraction;
using Telematics.Features.Trips;

namespace Telematics.Features.Pipeline;

/// <summary>Options of every stage of <see cref="DriverFeaturePipeline"/>.</summary>
public sealed record DriverPipelineOptions
{
    /// <summary>The defaults of every stage.</summary>
    public static DriverPipelineOptions Default { get; } = new();

    /// <summary>Cleaning thresholds.</summary>
    /// <value>Default <see cref="SampleCleaningOptions.Default"/>.</value>
    public SampleCleaningOptions Cleaning { get; init; } = SampleCleaningOptions.Default;

    /// <summary>Limits for deriving missing speed, heading and accelerations.</summary>
    /// <value>Default <see cref="MotionDerivationOptions.Default"/>.</value>
    public MotionDerivationOptions Derivation { get; init; } = MotionDerivationOptions.Default;

    /// <summary>Trip segmentation thresholds.</summary>
    /// <value>Default <see cref="TripSegmentationOptions.Default"/>.</value>
    public TripSegmentationOptions Segmentation { get; init; } = TripSegmentationOptions.Default;

    /// <summary>Feature thresholds and high-risk areas.</summary>
    /// <value>Default <see cref="FeatureExtractionOptions.Default"/>.</value>
    public FeatureExtractionOptions Extraction { get; init; } = FeatureExtractionOptions.Default;

    /// <summary>Checks the options of every stage.</summary>
    /// <exception cref="ArgumentNullException">A stage's options are null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cleaning);
        ArgumentNullException.ThrowIfNull(Derivation);
        ArgumentNullException.ThrowIfNull(Segmentation);
        ArgumentNullException.ThrowIfNull(Extraction);
        Cleaning.Validate();
        Derivation.Validate();
        Segmentation.Validate();
        Extraction.Validate();
    }
}
