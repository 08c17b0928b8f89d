using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;

namespace Telematics.Scoring.Batch;

/// <summary>
/// Scores many drivers in one call: chunked, chunks in parallel across cores, with progress and cancellation.
/// One failing driver does not fail the batch: it is reported in <see cref="BatchScoreResult.Failures"/>, as is a
/// driver without trips, whose empty vector is nothing to score.
/// </summary>
/// <remarks>
/// The batch leases one model version when it starts (the name and alias resolved once) and holds it to the end, so every
/// driver is scored by that version even if a reload or promotion serves another meanwhile, or retires this one.
/// Each chunk scores all its drivers in one model call; if that call fails, the chunk's drivers are scored one by one so
/// the failure is pinned on the driver that caused it.
/// Thread-safe.
/// </remarks>
public sealed class BatchScorer
{
    private readonly RiskScorer _scorer;
    private readonly ScoringMetrics? _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates a batch scorer.</summary>
    /// <param name="scorer">The single-driver scorer (and its registry).</param>
    /// <param name="metrics">Receives scores, latency per chunk, failures and the score distribution.</param>
    /// <param name="logger">Receives driver failures.</param>
    public BatchScorer(RiskScorer scorer, ScoringMetrics? metrics = null, ILogger<BatchScorer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        _scorer = scorer;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Scores <paramref name="drivers"/>.</summary>
    /// <param name="drivers">The drivers, each with a schema-ordered feature vector.</param>
    /// <param name="options">Model, chunking and parallelism; null for the defaults.</param>
    /// <param name="progress">Receives a report after each chunk.</param>
    /// <param name="cancellationToken">Stops the batch; chunks already running finish.</param>
    /// <exception cref="OperationCanceledException">The batch was cancelled.</exception>
    /// <returns>One score per driver, all by the version served when the batch started.</returns>
    /// <exception cref="KeyNotFoundException">The requested model or version is not served when the batch starts.</exception>
    public async Task<BatchScoreResult> ScoreAsync(IReadOnlyList<DriverFeatures> drivers, BatchScoreOptions? options = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        options ??= new BatchScoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1);

        // One version for the whole batch: in-flight work finishes on the version it started with, and the summary describes
        // one model. The lease keeps that version alive (not disposed) even if a reload retires it before the last chunk.
        using var lease = _scorer.Registry.Acquire(options.Model, options.ModelVersion);
        var package = lease.Package;
        return await RunChunksAsync(drivers, options, progress, cancellationToken,
            (start, count, scores, errors) => ScoreChunk(package, drivers, start, count, options, scores, errors)).ConfigureAwait(false);
    }

    /// <summary>Scores one chunk into <c>scores</c>/<c>errors</c> at the drivers' indexes and returns its failure count.</summary>
    internal delegate int ChunkScorer(int start, int count, RiskScore?[] scores, string?[] errors);

    /// <summary>
    /// The batch loop both batch paths share: chunks scored in parallel, progress after each chunk,
    /// failures collected per driver, and the summary.
    /// </summary>
    internal static async Task<BatchScoreResult> RunChunksAsync(IReadOnlyList<DriverFeatures> drivers, BatchScoreOptions options, IProgress<BatchProgress>? progress, CancellationToken cancellationToken, ChunkScorer scoreChunk)
    {
        var scores = new RiskScore?[drivers.Count];
        var errors = new string?[drivers.Count];
        // Not (Count + ChunkSize - 1) / ChunkSize: that overflows for a large ChunkSize and scores nothing.
        var chunks = drivers.Count / options.ChunkSize + (drivers.Count % options.ChunkSize != 0 ? 1 : 0);
        var completed = 0;
        var failed = 0;
        var reporting = new Lock();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, chunks, parallel, (chunk, _) =>
        {
            var start = chunk * options.ChunkSize;
            var count = Math.Min(options.ChunkSize, drivers.Count - start);
            var chunkFailures = scoreChunk(start, count, scores, errors);

            // Both counts and the report under one lock (once per chunk): reports then arrive in order, never go
            // backwards, pair Completed with its own Failed, and the last one is Completed == Total.
            lock (reporting)
            {
                completed += count;
                failed += chunkFailures;
                progress?.Report(new BatchProgress(completed, drivers.Count, failed));
            }

            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);

        var failures = new List<BatchScoreFailure>();
        for (var i = 0; i < errors.Length; i++)
        {
            if (errors[i] is { } message)
            {
                failures.Add(new BatchScoreFailure(i, drivers[i].DriverId, message));
            }
        }

        return new BatchScoreResult(scores, failures, Summarise(scores, failures.Count));
    }

    private int ScoreChunk(ModelPackage package, IReadOnlyList<DriverFeatures> drivers, int start, int count, BatchScoreOptions options, RiskScore?[] scores, string?[] errors)
    {
        var started = Stopwatch.GetTimestamp();
        int failures;
        if (options.IncludeContributions)
        {
            failures = 0;
            for (var i = start; i < start + count; i++)
            {
                try
                {
                    scores[i] = _scorer.Score(package, drivers[i].DriverId, drivers[i].Features.Span, drivers[i].ObservedDays, includeContributions: true, drivers[i].Experiment);
                }
                catch (Exception e) when (e is ModelScoringException or ModelBindingException or ArgumentException)
                {
                    errors[i] = e.Message;
                    failures++;
                }
            }

            return failures;
        }

        failures = ScoreChunkFast(package, drivers, start, count, scores, errors);
        if (_metrics is not null)
        {
            BatchChunkMetrics.Record(_metrics, package, drivers, start, count, scores, failures, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return failures;
    }

    private int ScoreChunkFast(ModelPackage package, IReadOnlyList<DriverFeatures> drivers, int start, int count, RiskScore?[] scores, string?[] errors)
    {
        var model = package.Model;
        var binding = model.Binding;
        var width = binding.Count;
        var rows = ArrayPool<float>.Shared.Rent(count * width);
        var outputs = ArrayPool<float>.Shared.Rent(count);
        var owners = ArrayPool<int>.Shared.Rent(count);
        var failures = 0;
        Span<float> derived = stackalloc float[SchemaVectors.MaxDerivedLength];
        try
        {
            var valid = 0;
            for (var i = start; i < start + count; i++)
            {
                var features = drivers[i].Features.Span;
                if (features.Length != binding.Schema.Count)
                {
                    errors[i] = $"Driver '{drivers[i].DriverId}' has {features.Length} features; schema {binding.Schema} has {binding.Schema.Count}.";
                    failures++;
                    continue;
                }

                try
                {
                    binding.Gather(SchemaVectors.ForBinding(binding, features, drivers[i].ObservedDays, drivers[i].DriverId, derived), rows.AsSpan(valid * width, width));
                }
                catch (ArgumentException e)
                {
                    errors[i] = e.Message;
                    failures++;
                    continue;
                }

                owners[valid++] = i;
            }

            var additive = model as IAdditiveRiskModel;
            if (additive is null)
            {
                ScoreRows(model, rows.AsSpan(0, valid * width), width, outputs.AsSpan(0, valid), owners, errors);
            }

            for (var k = 0; k < valid; k++)
            {
                var i = owners[k];

                // An additive model's raw output is a double sum; read it as the one-driver path does, not through
                // the float output buffer, so a batch score equals the driver's own score to the last bit.
                var raw = additive is null ? outputs[k] : additive.Raw(rows.AsSpan(k * width, width));
                if (package.RawProblem(raw, drivers[i].DriverId) is { } problem)
                {
                    errors[i] ??= problem;
                    Log.ScoreFailed(_logger, drivers[i].DriverId, package.Name, package.Version, new ModelScoringException(errors[i]!));
                    failures++;
                    continue;
                }

                var score = package.Calibration.ToScore(raw);
                scores[i] = new RiskScore(drivers[i].DriverId, score, raw, package.Name, package.Version, package.ReferenceScore, [], ContributionMethod.None, drivers[i].Experiment)
                {
                    OutOfRangeShare = package.TrainingRanges?.OutOfRangeShareIfKnown(rows.AsSpan(k * width, width)),
                    Interval = package.SamplingNoise?.Interval(package.Calibration, raw, drivers[i].Features.Span),
                    OutputKind = package.OutputKind,
                    ModelFeatures = package.Model.Binding.FeatureNames,
                };
                _metrics?.RecordScoreValue(package.Name, package.Version, drivers[i].Experiment?.Variant, score);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<float>.Shared.Return(outputs);
            ArrayPool<int>.Shared.Return(owners);
        }

        return failures;
    }

    // The model's float outputs for the valid rows; on a scoring error, row by row, so that only the drivers that break the model fail.
    private static void ScoreRows(IRiskModel model, ReadOnlySpan<float> rows, int width, Span<float> outputs, int[] owners, string?[] errors)
    {
        try
        {
            model.Score(rows, outputs);
        }
        catch (ModelScoringException)
        {
            for (var k = 0; k < outputs.Length; k++)
            {
                try
                {
                    model.Score(rows.Slice(k * width, width), outputs.Slice(k, 1));
                }
                catch (ModelScoringException e)
                {
                    outputs[k] = float.NaN;
                    errors[owners[k]] = e.Message;
                }
            }
        }
    }

    /// <summary>Figures of a batch; shared with experiment batches so both summarise alike.</summary>
    internal static BatchScoreSummary Summarise(RiskScore?[] scores, int failures) => BatchScoreSummary.Of(scores, scores.Length, failures);
}
