using System.Globalization;

using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>
/// Scores drivers from their stored trips over a period and stores the results: the read-score-price-store use case.
/// The trips' states are combined exactly into the driver's <c>telematics</c> v1 vector by the store
/// (<see cref="IScoreStore.ReadDriverVectorsAsync"/>, the same combination as the feature pipeline's <c>DriverAggregate</c>),
/// scored through the <see cref="ExperimentScorer"/> (the configured experiment, else the registry's champion), priced
/// with the configured plan, and stored as scores, premiums and one audit row, all or nothing (<see cref="IScoreStore.StoreAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// Pricing inputs: the cell is <c>drivers.region</c> (null = the plan's default base rate), <c>drivers.age_band</c> and
/// <c>drivers.vehicle_class</c> (null = factor 1 and the coarser cell); the annual distance is
/// the period's distance scaled to 365 days over the days the driver was observed (<c>km · 365 / observed days</c>,
/// <see cref="ObservedDays"/>); discount rules read the driver's vector.
/// </para>
/// <para>
/// Observed days: a driver whose first stored trip lies inside the period was observed from that trip, not from the
/// period's start, so a driver two days into the programme is credited two days, not the thirty of a default
/// recalculation. The same days make its window-invariant features (per week, per year) and the pricing plan's credibility.
/// </para>
/// <para>
/// A driver without trips in the period, or unknown, is reported (<see cref="DriverScoreStatus"/>) and nothing is
/// stored for it: no score is ever made from an empty vector. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class StoredDriverScorer
{
    private readonly IScoreStore _store;
    private readonly ExperimentScorer _experiments;
    private readonly BatchScorer _batch;
    private readonly StoredScoringOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the scorer.</summary>
    /// <param name="store">Where drivers' vectors are read and scores stored (e.g. the PostgreSQL adapter's).</param>
    /// <param name="experiments">Scores drivers (in <see cref="StoredScoringOptions.Experiment"/> when set).</param>
    /// <param name="batch">Scores many drivers with the default model when no experiment is set.</param>
    /// <param name="options">Plan, experiment and chunking.</param>
    /// <param name="timeProvider">Clock for the scored-at time and audit rows.</param>
    /// <exception cref="KeyNotFoundException">The options name an experiment the scorer does not know.</exception>
    public StoredDriverScorer(IScoreStore store, ExperimentScorer experiments, BatchScorer batch, StoredScoringOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ScoringChunkSize, 1);
        if (options.Experiment is { } experiment)
        {
            experiments.GetExperiment(experiment);
        }

        _store = store;
        _experiments = experiments;
        _batch = batch;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>The plan premiums are priced with.</summary>
    public PricingPlan Plan => _options.Plan;

    /// <summary>The experiment drivers are scored in; null for the champion.</summary>
    public string? Experiment => _options.Experiment;

    // Position of distance_km in the stored telematics@1 vectors.
    private static readonly int DistanceIndex = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm);

    /// <summary>
    /// The distance of a whole period scaled to a year: <c>km · 365 / days</c> (<see cref="PremiumCalculator.AnnualiseKm"/>).
    /// The scorer no longer annualises over the whole period but over the days the driver was observed (<see cref="ObservedDays"/>).
    /// </summary>
    /// <param name="periodKm">Distance driven in the period, km.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period, after <paramref name="from"/>.</param>
    /// <returns>Annualised km, ≥ 0.</returns>
    [Obsolete("Stored scores annualise over the days the driver was observed: PremiumCalculator.AnnualiseKm(km, StoredDriverScorer.ObservedDays(from, to, firstTripStart)).")]
    public static double AnnualiseKm(double periodKm, DateTimeOffset from, DateTimeOffset to) =>
        PremiumCalculator.AnnualiseKm(periodKm, (to - from).TotalDays);

    /// <summary>
    /// The days of [<paramref name="from"/>, <paramref name="to"/>) a driver was observed: from the later of
    /// <paramref name="from"/> and the start (midnight UTC) of the day of the driver's first stored trip, to
    /// <paramref name="to"/>, and at least one day, as the command line's span of a file's trips (a trip of an hour is not
    /// annualised from an hour). The first day counts whole, whatever the hour the driver first set off.
    /// </summary>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period, after <paramref name="from"/>.</param>
    /// <param name="firstTripStart">Start of the driver's first stored trip (<see cref="IScoreStore.ReadFirstTripStartsAsync"/>); null when unknown, which counts the whole period.</param>
    /// <returns>Days, at least 1 (and at most the period's days when those are 1 or more).</returns>
    /// <exception cref="ArgumentException">The period is empty.</exception>
    public static double ObservedDays(DateTimeOffset from, DateTimeOffset to, DateTimeOffset? firstTripStart)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        var firstDay = firstTripStart is { } first ? new DateTimeOffset(first.UtcDateTime.Date, TimeSpan.Zero) : from;
        var start = firstDay > from ? firstDay : from;
        return Math.Max(MinimumObservedDays, (to - start).TotalDays);
    }

    // A day, the least a file of trips counts on the command line (FeatureTableWriter.SpanDays) and more than the hour
    // telematics@2 needs: a first trip an hour old is not driving of 8,760 times its length a year.
    private const double MinimumObservedDays = 1;

    /// <summary>Scores one driver over [<paramref name="from"/>, <paramref name="to"/>) and stores the score and premium (audit action <c>score.recalculate</c>).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="actor">Who asked, recorded on the audit row.</param>
    /// <param name="cancellationToken">Cancels the work; nothing is stored unless the transaction committed.</param>
    /// <returns>The outcome; <see cref="DriverScoreStatus.NoTrips"/> or <see cref="DriverScoreStatus.UnknownDriver"/> store nothing.</returns>
    /// <exception cref="ArgumentException">The period is empty.</exception>
    public async Task<DriverScoreOutcome> ScoreDriverAsync(long driverId, DateTimeOffset from, DateTimeOffset to, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var result = await ScoreCoreAsync([driverId], from, to, actor, runId: null, cancellationToken).ConfigureAwait(false);
        return result.Outcomes[0];
    }

    /// <summary>Scores many drivers over [<paramref name="from"/>, <paramref name="to"/>) and stores every score and premium with one audit row (action <c>score.batch</c>), all in one transaction.</summary>
    /// <param name="driverIds">The drivers; duplicates count once.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="actor">Who asked, recorded on the audit row.</param>
    /// <param name="cancellationToken">Cancels the work; nothing is stored unless the transaction committed.</param>
    /// <returns>Outcomes, failures and the summary.</returns>
    /// <exception cref="ArgumentException">The period is empty or no driver is given.</exception>
    public Task<StoredBatchResult> ScoreDriversAsync(ReadOnlyMemory<long> driverIds, DateTimeOffset from, DateTimeOffset to, AuditActor actor, CancellationToken cancellationToken = default) =>
        ScoreCoreAsync(SortedDistinct(driverIds.Span), from, to, actor, runId: null, cancellationToken);

    /// <summary>
    /// Scores one chunk of a batch run like <see cref="ScoreDriversAsync"/> and, in the same transaction, advances run
    /// <paramref name="runId"/> past the chunk's highest driver id, so that a resumed run starts after the last committed chunk.
    /// </summary>
    /// <param name="runId">A running run (see <see cref="IScoringRunStore"/>).</param>
    /// <param name="driverIds">The chunk's drivers, all above the run's <see cref="ScoringRun.LastDriverId"/>.</param>
    /// <param name="from">Inclusive start of the run's period.</param>
    /// <param name="to">Exclusive end of the run's period.</param>
    /// <param name="actor">Who runs it.</param>
    /// <param name="cancellationToken">Cancels the chunk; a cancelled chunk stores nothing.</param>
    /// <returns>The chunk's outcomes, failures and summary.</returns>
    /// <exception cref="InvalidOperationException">The run is finished or already past this chunk; nothing was stored.</exception>
    public Task<StoredBatchResult> ScoreRunChunkAsync(string runId, ReadOnlyMemory<long> driverIds, DateTimeOffset from, DateTimeOffset to, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return ScoreCoreAsync(SortedDistinct(driverIds.Span), from, to, actor, runId, cancellationToken);
    }

    internal static DriverScoreOutcome WithIds(DriverScoreOutcome outcome, long scoreId, long premiumId, DateTimeOffset scoredAt) =>
        new(outcome.DriverId, outcome.Status, outcome.Reason)
        {
            Score = outcome.Score,
            Features = outcome.Features,
            TripCount = outcome.TripCount,
            AnnualKm = outcome.AnnualKm,
            ObservedDays = outcome.ObservedDays,
            Cell = outcome.Cell,
            Quote = outcome.Quote,
            ScoreId = scoreId,
            PremiumId = premiumId,
            ScoredAt = scoredAt,
        };

    private async Task<StoredBatchResult> ScoreCoreAsync(long[] ids, DateTimeOffset from, DateTimeOffset to, AuditActor actor, string? runId, CancellationToken cancellationToken)
    {
        actor.Validate();
        var prepared = await PrepareAsync(ids, from, to, cancellationToken).ConfigureAwait(false);
        return await StoreAsync(prepared, actor, runId, commitAfter: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads, combines, scores and prices <paramref name="ids"/> (sorted, distinct); stores nothing.</summary>
    internal async Task<PreparedChunk> PrepareAsync(long[] ids, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        if (ids.Length == 0)
        {
            throw new ArgumentException("At least one driver is needed.", nameof(ids));
        }

        var regions = await _store.ReadRatingCellsAsync(ids, cancellationToken).ConfigureAwait(false);
        var drivers = await _store.ReadDriverVectorsAsync(ids, from, to, cancellationToken).ConfigureAwait(false);
        var firstTrips = await _store.ReadFirstTripStartsAsync(ids, cancellationToken).ConfigureAwait(false);

        var width = drivers.Width;
        var vectors = new float[ids.Length * width];
        var outcomes = new DriverScoreOutcome[ids.Length];
        var tripCounts = new int[ids.Length];
        var observedDays = new double[ids.Length];
        var toScore = new List<DriverFeatures>(ids.Length);
        var positions = new List<int>(ids.Length);
        var row = 0;
        for (var k = 0; k < ids.Length; k++)
        {
            var id = ids[k];
            while (row < drivers.Count && drivers.DriverIds[row] < id)
            {
                row++;
            }

            var found = row < drivers.Count && drivers.DriverIds[row] == id;
            if (!regions.ContainsKey(id))
            {
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.UnknownDriver, "No driver has this id.");
            }
            else if (!found)
            {
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.NoTrips, string.Create(
                    CultureInfo.InvariantCulture, $"No stored trips started between {from.UtcDateTime:O} and {to.UtcDateTime:O}; nothing to score."));
            }
            else if (drivers.Problems[row] is { } problem)
            {
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Failed, problem);
            }
            else
            {
                drivers.GetFeatures(row).CopyTo(vectors.AsSpan(k * width, width));
                tripCounts[k] = drivers.TripCounts[row];
                // The window is the period from the driver's first trip on (days without trips are exposure too).
                // Rounded as stored (risk_scores.observed_days is real), so a reprice of the stored score credits the same days.
                observedDays[k] = (float)ObservedDays(from, to, firstTrips.TryGetValue(id, out var first) ? first : null);
                toScore.Add(new DriverFeatures(id.ToString(CultureInfo.InvariantCulture), vectors.AsMemory(k * width, width)) { ObservedDays = observedDays[k] });
                positions.Add(k);
            }
        }

        var options = new BatchScoreOptions { ChunkSize = _options.ScoringChunkSize, IncludeContributions = true };
        var scored = _options.Experiment is { } experiment
            ? await _experiments.ScoreBatchAsync(toScore, experiment, options, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _batch.ScoreAsync(toScore, options, cancellationToken: cancellationToken).ConfigureAwait(false);

        var good = new List<DriverScoreOutcome>(toScore.Count);
        var goodPositions = new List<int>(toScore.Count);
        for (var j = 0; j < toScore.Count; j++)
        {
            var k = positions[j];
            var id = ids[k];
            if (scored.Scores[j] is not { } score)
            {
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Failed, FailureMessage(scored.Failures, j));
                continue;
            }

            if (score.OutputKind == ModelOutputKind.Frequency && !(double.IsFinite(score.RawOutput) && score.RawOutput >= 0))
            {
                // A regressor can predict below zero for an extreme driver; that is no claim frequency to price or store,
                // and it fails this driver alone rather than the whole recalculation, batch or run chunk.
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Failed, string.Create(CultureInfo.InvariantCulture,
                    $"Model {score.ModelName}@{score.ModelVersion} predicted a claim frequency of {score.RawOutput:G6} a year for driver {id}; a frequency must be finite and 0 or more, so the driver is neither priced nor stored."));
                continue;
            }

            var vector = vectors.AsSpan(k * width, width).ToArray();
            var annualKm = PremiumCalculator.AnnualiseKm(vector[DistanceIndex], observedDays[k]);
            var cell = regions[id];
            PremiumQuote quote;
            try
            {
                if (score.ModelFeatures is null)
                {
                    // The quote checks the whole fit when it knows what the version reads; a score that does not say still has
                    // its output kind, which the quote cannot tell from its frequency's default.
                    _options.Plan.EnsurePrices(score.OutputKind, $"{score.ModelName}@{score.ModelVersion}");
                }

                // The out-of-range share as stored (real) too: the quote is the one a reprice of the stored score gives.
                var frequency = ModelFrequency.Of(score, vector, observedDays[k]) with
                {
                    CredibilityWeight = DataQuality.CredibilityWeight(DataQuality.Grade(vector), (float?)score.OutOfRangeShare),
                };
                quote = Price(score.Score, frequency, vector, annualKm, cell);
            }
            catch (ArgumentException e)
            {
                // The calculator's refusal of this driver's own inputs (a distance or weight out of range): this driver only.
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Failed, string.Create(CultureInfo.InvariantCulture,
                    $"Driver {id} was scored by model {score.ModelName}@{score.ModelVersion} but cannot be priced: {e.Message}"));
                continue;
            }
            catch (PricingPlanException e)
            {
                // The plan fits the models checked when it met them, but an experiment's variant or a hot reload can serve
                // a version it does not fit (its output, or a feature it prohibits or discounts; checked once per
                // name@version): that driver fails by name, the others are priced.
                outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Failed, $"Model {score.ModelName}@{score.ModelVersion} scored the driver, but its score cannot be priced: {e.Message}");
                continue;
            }

            outcomes[k] = new DriverScoreOutcome(id, DriverScoreStatus.Scored, null)
            {
                Score = score,
                Features = vector,
                TripCount = tripCounts[k],
                AnnualKm = annualKm,
                ObservedDays = observedDays[k],
                Cell = cell,
                Quote = quote,
            };
            good.Add(outcomes[k]);
            goodPositions.Add(k);
        }

        // Mean, percentiles and counts cover only the drivers that will be stored, not those that then failed pricing.
        var summary = BatchScoreSummary.Of(good.ConvertAll(o => o.Score), ids.Length, ids.Length - good.Count);
        return new PreparedChunk(ids, from, to, outcomes, good, goodPositions, summary);
    }

    private static string FailureMessage(IReadOnlyList<BatchScoreFailure> failures, int index)
    {
        foreach (var failure in failures)
        {
            if (failure.Index == index)
            {
                return failure.Message;
            }
        }

        return "The model returned no score.";
    }

    private static long[] SortedDistinct(ReadOnlySpan<long> ids)
    {
        var sorted = ids.ToArray();
        Array.Sort(sorted);
        var n = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (n == 0 || sorted[i] != sorted[n - 1])
            {
                sorted[n++] = sorted[i];
            }
        }

        return sorted[..n];
    }
}
