using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Telematics.Scoring.Diagnostics;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Sums the <c>telematics.scoring.scores</c> and <c>failures</c> counters by variant tag while alive. Every meter named
/// <see cref="ScoringMetrics.MeterName"/> is heard, other tests' too, so tests look only at variant names of their own.
/// </summary>
internal sealed class ScoringCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Counter, string? Variant), long> _sums = new();

    public ScoringCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ScoringMetrics.MeterName && instrument.Name is "telematics.scoring.scores" or "telematics.scoring.failures")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? variant = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "variant")
                {
                    variant = tag.Value as string;
                }
            }

            _sums.AddOrUpdate((instrument.Name["telematics.scoring.".Length..], variant), value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>Drivers scored under <paramref name="variant"/>.</summary>
    public long Scores(string variant) => _sums.GetValueOrDefault(("scores", variant));

    /// <summary>Failed scores under <paramref name="variant"/>.</summary>
    public long Failures(string variant) => _sums.GetValueOrDefault(("failures", variant));

    public void Dispose() => _listener.Dispose();
}
