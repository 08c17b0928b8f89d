using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;

namespace Telematics.Scoring.Batch;

/// <summary>
/// Batch scoring in an experiment, beside <see cref="BatchScorer"/>: an extension of <see cref="ExperimentScorer"/> kept
/// here so that the service types do not depend on the batch types (batch builds on service, not both ways).
/// </summary>
public static class ExperimentBatchScoring
{
    /// <summary>Scores many drivers in <paramref name="experimentName"/> through the same path as <see cref="ExperimentScorer.Score(ScoreRequest, string?)"/>, chunked and in parallel.</summary>
    /// <param name="scorer">The experiment scorer.</param>
    /// <param name="drivers">The drivers; their <see cref="DriverFeatures.Experiment"/> is ignored (the experiment assigns).</param>
    /// <param name="experimentName">A registered experiment.</param>
    /// <param name="options">Chunking, parallelism and contributions; <see cref="BatchScoreOptions.Model"/> and <see cref="BatchScoreOptions.ModelVersion"/> must be null (the variants choose the models).</param>
    /// <param name="progress">Receives a report after each chunk.</param>
    /// <param name="cancellationToken">Stops the batch; chunks already running finish.</param>
    /// <returns>
    /// One score per driver, each variant's by the version its reference resolved to when the batch started; the summary
    /// counts drivers per variant in <see cref="BatchScoreSummary.ByVariant"/>. A failing driver is reported, not thrown.
    /// </returns>
    /// <exception cref="KeyNotFoundException">The experiment is not registered.</exception>
    /// <exception cref="ArgumentException">The options name a model.</exception>
    /// <exception cref="OperationCanceledException">The batch was cancelled.</exception>
    public static async Task<BatchScoreResult> ScoreBatchAsync(this ExperimentScorer scorer, IReadOnlyList<DriverFeatures> drivers, string experimentName, BatchScoreOptions? options = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(drivers);

        // The whole batch runs on the definition registered when it starts, even if the experiment is replaced meanwhile.
        var experiment = scorer.GetExperiment(experimentName);
        options ??= new BatchScoreOptions();
        if (options.Model is not null || options.ModelVersion is not null)
        {
            throw new ArgumentException("An experiment batch takes its models from the experiment's variants; leave BatchScoreOptions.Model and ModelVersion null.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1);

        // And on the model versions its variants resolve to when it starts: each is leased until the batch ends, so a
        // promotion or reload meanwhile changes no score of this batch. A variant that does not resolve now fails its drivers.
        var leases = new List<ModelLease>();
        var pinned = new Dictionary<string, ModelPackage?>(StringComparer.Ordinal);
        try
        {
            foreach (var variant in experiment.Variants)
            {
                if (scorer.TryAcquireModel(variant.Model, out var lease))
                {
                    leases.Add(lease);
                    pinned[variant.Name] = lease.Package;
                }
                else
                {
                    pinned[variant.Name] = null;
                }
            }

            return await BatchScorer.RunChunksAsync(drivers, options, progress, cancellationToken, (start, count, scores, errors) =>
            {
                var chunkFailures = 0;
                for (var i = start; i < start + count; i++)
                {
                    try
                    {
                        ArgumentException.ThrowIfNullOrEmpty(drivers[i].DriverId);
                        scores[i] = scorer.ScoreIn(experiment, drivers[i].DriverId, drivers[i].Features, drivers[i].ObservedDays, options.IncludeContributions, pinned);
                    }
                    catch (Exception e) when (e is KeyNotFoundException or ModelScoringException or ModelBindingException or ArgumentException)
                    {
                        errors[i] = e.Message;
                        chunkFailures++;
                    }
                }

                return chunkFailures;
            }).ConfigureAwait(false);
        }
        finally
        {
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }
    }
}
