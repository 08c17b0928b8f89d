using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Datasets;

/// <summary>
/// Builds a <see cref="TrainingDataset"/> from a synthetic population: each driver's samples are simulated and
/// streamed through <see cref="DriverFeaturePipeline"/> straight into their feature row, in parallel across cores.
/// </summary>
/// <remarks>
/// Memory stays flat: one sample chunk per worker plus the dataset itself (29 floats per driver); no sample is
/// kept. The result depends only on the options (seed included), not on the number of threads or their timing.
/// </remarks>
public static class SyntheticDatasetBuilder
{
    /// <summary>Samples per simulated chunk.</summary>
    private const int ChunkSize = 8192;

    /// <summary>Simulates the population and computes every driver's features.</summary>
    /// <param name="options">Population settings (drivers, days, seed, time zone).</param>
    /// <param name="maxDegreeOfParallelism">Worker threads; default (-1) one per core.</param>
    /// <param name="progress">Receives the number of drivers done so far, now and then; may be null.</param>
    /// <param name="cancellationToken">Stops the build between drivers.</param>
    /// <returns>The dataset, with classical factors, exposure, claims and the true frequency.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static TrainingDataset Build(
        SyntheticPopulationOptions options, int maxDegreeOfParallelism = -1, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var simulator = new TelematicsSimulator(options);
        var n = options.DriverCount;
        var ids = new string[n];
        var features = new float[n * TrainingDataset.FeatureCount];
        var classical = new ClassicalFactors[n];
        var exposure = new double[n];
        var claims = new int[n];
        var lambda = new double[n];
        var days = new double[n];
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, n, parallel, () => new SampleBuffer(ChunkSize), (i, _, buffer) =>
        {
            var driver = PopulationGenerator.CreateDriver(options, i);
            var pipeline = new DriverFeaturePipeline(simulator.TimeZone);
            foreach (var chunk in simulator.Simulate(driver, buffer, cancellationToken))
            {
                pipeline.Push(chunk);
            }

            pipeline.Complete();
            pipeline.Aggregate.WriteFeatures(features.AsSpan(i * TrainingDataset.FeatureCount, TrainingDataset.FeatureCount));
            ids[i] = driver.DriverId;
            classical[i] = new ClassicalFactors(driver.AgeBand, driver.Region, driver.VehicleClass, driver.AnnualMileageKm);
            exposure[i] = driver.ExposureYears;
            claims[i] = driver.ClaimCount;
            lambda[i] = driver.TrueAnnualClaimFrequency;
            days[i] = driver.ObservedDays;
            var count = Interlocked.Increment(ref done);
            if (progress is not null && (count % 64 == 0 || count == n))
            {
                progress.Report(count);
            }

            return buffer;
        }, _ => { });
        return new TrainingDataset(ids, features, classical, exposure, claims, lambda, days);
    }
}
