using System.ComponentModel.DataAnnotations;

namespace Telematics.Training.Modeling;

/// <summary>
/// Settings of cross-validation and of the trainers. The same settings and data give the same models for a given
/// <see cref="Threads"/>; only <c>Threads = 1</c> makes the tree models bit-for-bit repeatable, since ML.NET's parallel
/// training sums in an order that depends on the thread count (null: one thread per core of the machine).
/// </summary>
public sealed class TrainingOptions
{
    /// <summary>Number of cross-validation folds.</summary>
    /// <value>Default 5.</value>
    [Range(2, 20)]
    public int Folds { get; set; } = 5;

    /// <summary>Seed of the fold assignment and of the trainers.</summary>
    /// <value>Default 20261128.</value>
    public ulong Seed { get; set; } = 20261128;

    /// <summary>Boosting rounds of the tree models.</summary>
    /// <value>Default 300: with a learning rate of 0.03, enough for a few percent claim frequency without a long tail of rounds.</value>
    [Range(1, 10_000)]
    public int Trees { get; set; } = 300;

    /// <summary>Leaves per tree.</summary>
    /// <value>Default 8: shallow trees, since claims are rare and interactions in a few thousand claims are weak.</value>
    [Range(2, 256)]
    public int Leaves { get; set; } = 8;

    /// <summary>Learning rate (shrinkage) of the tree models.</summary>
    /// <value>Default 0.03.</value>
    [Range(1e-4, 1.0)]
    public double LearningRate { get; set; } = 0.03;

    /// <summary>Minimum drivers per leaf.</summary>
    /// <value>Default 200: at a 7 % claim frequency a leaf then holds about 14 expected claims.</value>
    [Range(1, 1_000_000)]
    public int MinDriversPerLeaf { get; set; } = 200;

    /// <summary>Features the packaged GLM may not rate on (a jurisdiction's prohibition); each must be a telematics@2 feature.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<string> ExcludedFeatures { get; set; } = [];

    /// <summary>Threads of the trainers; null lets ML.NET choose (one per core, so results differ across machines); 1 for bit-for-bit repeatable models.</summary>
    /// <value>Default null.</value>
    public int? Threads { get; set; }

    /// <summary>A copy of these options with another seed (a repeat of the cross-validation on other folds).</summary>
    /// <param name="seed">Seed of the fold assignment and of the trainers.</param>
    public TrainingOptions WithSeed(ulong seed)
    {
        // A member-wise copy keeps every setting, including ones added later.
        var copy = (TrainingOptions)MemberwiseClone();
        copy.Seed = seed;
        return copy;
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        foreach (var feature in ExcludedFeatures)
        {
            if (!Telematics.Features.Schema.TelematicsFeaturesV2.Schema.TryGetIndex(feature, out _))
            {
                throw new ValidationException($"Excluded feature '{feature}' is not a feature of {Telematics.Features.Schema.TelematicsFeaturesV2.Schema}.");
            }
        }
    }
}
