using Telematics.Training.Datasets;
using Telematics.Training.Modeling;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests;

/// <summary>A 600-driver synthetic population, its cross-validation and a final telematics model, built once per test run.</summary>
internal static class SmallPopulation
{
    public static readonly SyntheticPopulationOptions Options = new() { DriverCount = 600, PeriodDays = 5, Seed = 11 };

    public static readonly TrainingOptions Training = new() { Folds = 3, Seed = 11, Trees = 60, MinDriversPerLeaf = 40 };

    private static readonly Lazy<TrainingDataset> LazyData = new(() => SyntheticDatasetBuilder.Build(Options));

    private static readonly Lazy<CrossValidationResult> LazyCv = new(() => CrossValidator.Run(Data, Training));

    private static readonly Lazy<FrequencyModel> LazyTelematics = new(() =>
        FrequencyModel.Fit(Data, FrequencyModelKind.TreesTelematics, Enumerable.Range(0, Data.Count - 100).ToList(), Training, 1));

    public static TrainingDataset Data => LazyData.Value;

    public static CrossValidationResult CrossValidation => LazyCv.Value;

    /// <summary>Trained on all drivers but the last 100, which are held out.</summary>
    public static FrequencyModel TelematicsModel => LazyTelematics.Value;
}
