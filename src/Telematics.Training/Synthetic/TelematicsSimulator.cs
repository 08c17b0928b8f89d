using Telematics.Features.Samples;

namespace Telematics.Training.Synthetic;

/// <summary>
/// Streams the 1 Hz telematics samples of synthetic drivers: trips along plausible road-class sequences with
/// posted limits, day/night and weekday/weekend timing in local time, speed profiles, harsh braking,
/// acceleration and cornering, phone handling, GPS noise and gaps, all at rates set by each driver's
/// latent style.
/// </summary>
/// <remarks>
/// Memory stays flat: samples are written into a caller-owned buffer that is handed back each time it is
/// full. The same options, seed and driver always give the same samples. Instances are thread-safe;
/// simulate different drivers on different threads with their own buffers.
/// </remarks>
public sealed class TelematicsSimulator
{
    private readonly SyntheticPopulationOptions _options;
    private readonly TimeZoneInfo _zone;

    /// <summary>Creates a simulator for a population.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid; the message names it.</exception>
    public TelematicsSimulator(SyntheticPopulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZoneId);
    }

    /// <summary>The drivers' time zone.</summary>
    public TimeZoneInfo TimeZone => _zone;

    /// <summary>
    /// Simulates <paramref name="driver"/> over the period, yielding <paramref name="buffer"/> each time it is
    /// full and once more with the remainder. The buffer is cleared before it is refilled, so consume each
    /// chunk before asking for the next.
    /// </summary>
    /// <param name="driver">A driver of this population.</param>
    /// <param name="buffer">Buffer to fill; its capacity is the chunk size.</param>
    /// <param name="cancellationToken">Stops the simulation between chunks.</param>
    public IEnumerable<SampleBuffer> Simulate(DriverProfile driver, SampleBuffer buffer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(buffer);
        return Iterate(driver, buffer, cancellationToken);
    }

    private IEnumerable<SampleBuffer> Iterate(DriverProfile driver, SampleBuffer buffer, CancellationToken cancellationToken)
    {
        var index = int.Parse(driver.DriverId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var simulation = new DriverSimulation(driver, _options, _zone, ((ulong)index * 2) + 1);
        buffer.Clear();
        while (simulation.Fill(buffer))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return buffer;
            buffer.Clear();
        }
    }
}
