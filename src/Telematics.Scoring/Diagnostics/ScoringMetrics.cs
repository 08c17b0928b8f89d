using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Telematics.Scoring.Diagnostics;

/// <summary>
/// The instruments of meter <c>Telematics.Scoring</c>: scores, latency, failures, reloads and the score
/// distribution, tagged by model, version and (when an experiment assigned one) variant.
/// </summary>
/// <remarks>Thread-safe; recording allocates nothing.</remarks>
public sealed class ScoringMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to (OpenTelemetry <c>AddMeter("Telematics.Scoring")</c>).</summary>
    public const string MeterName = "Telematics.Scoring";

    private readonly Meter _meter;
    private readonly Counter<long> _scores;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _distribution;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own when null.</summary>
    /// <param name="meterFactory">The host's meter factory, if any.</param>
    public ScoringMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _scores = _meter.CreateCounter<long>("telematics.scoring.scores", "{score}", "Drivers scored.");
        _duration = _meter.CreateHistogram<double>("telematics.scoring.duration", "s", "Time to score one request or one batch chunk.");
        _failures = _meter.CreateCounter<long>("telematics.scoring.failures", "{failure}", "Scores that failed.");
        _reloads = _meter.CreateCounter<long>("telematics.scoring.reloads", "{reload}", "Model version loads, tagged by outcome (loaded or failed), and alias files or entries a reload refused (outcome failed, file aliases.json).");
        _distribution = _meter.CreateHistogram<double>("telematics.scoring.score", "{point}", "Distribution of 0–100 risk scores.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] });
    }

    /// <summary>Records <paramref name="count"/> successful scores and the time they took.</summary>
    internal void RecordScores(string model, string version, string? variant, int count, double seconds)
    {
        var tags = Tags(model, version, variant);
        _scores.Add(count, tags);
        _duration.Record(seconds, tags);
    }

    /// <summary>Records one score value in the distribution.</summary>
    internal void RecordScoreValue(string model, string version, string? variant, double score) =>
        _distribution.Record(score, Tags(model, version, variant));

    /// <summary>Records failed scores.</summary>
    internal void RecordFailures(string model, string version, string? variant, int count) =>
        _failures.Add(count, Tags(model, version, variant));

    /// <summary>Records a model load by the registry.</summary>
    internal void RecordReload(string model, string version, bool loaded)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "outcome", loaded ? "loaded" : "failed" } };
        _reloads.Add(1, tags);
    }

    /// <summary>Records an alias file the registry could not read, or an alias in it that it refused, as a failed reload of <paramref name="model"/>'s aliases.</summary>
    internal void RecordAliasFailure(string model)
    {
        var tags = new TagList { { "model", model }, { "file", Registry.ModelAliases.FileName }, { "outcome", "failed" } };
        _reloads.Add(1, tags);
    }

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();

    private static TagList Tags(string model, string version, string? variant)
    {
        var tags = new TagList { { "model", model }, { "version", version } };
        if (variant is not null)
        {
            tags.Add("variant", variant);
        }

        return tags;
    }
}
