using System.Globalization;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest;

/// <summary>
/// <see cref="SamplePlausibility"/> resolved once per reader into plain numbers (the time window fixed when the reader
/// is made), so that checking a record is a few comparisons and allocates nothing unless the record is bad.
/// </summary>
internal readonly struct PlausibleLimits
{
    private readonly long _earliestMs;
    private readonly long _latestMs;
    private readonly float _maxSpeed;
    private readonly float _maxAcceleration;
    private readonly float _maxAccuracy;
    private readonly float _maxHeading;
    private readonly float _floor;
    private readonly bool _allowNonFinite;

    public PlausibleLimits(SamplePlausibility bounds, TimeProvider time)
    {
        _earliestMs = bounds.EarliestTimestamp == DateTimeOffset.MinValue ? long.MinValue : bounds.EarliestTimestamp.ToUnixTimeMilliseconds();
        _latestMs = bounds.MaxAheadOfNow is { } ahead ? SaturatingAdd(time.GetUtcNow().ToUnixTimeMilliseconds(), (long)ahead.TotalMilliseconds) : long.MaxValue;
        _maxSpeed = bounds.MaxSpeedMps;
        _maxAcceleration = bounds.MaxAbsAccelerationMps2;
        _maxAccuracy = bounds.MaxGpsAccuracyM;
        _allowNonFinite = bounds.AllowNonFinite;

        // A full turn either way covers 0–360 and ±180 conventions; Unbounded lets any heading through.
        _maxHeading = bounds.AllowNonFinite ? float.PositiveInfinity : 360f;

        // Speeds and accuracy radii below 0 mean nothing; only Unbounded lets them through.
        _floor = bounds.AllowNonFinite ? float.NegativeInfinity : 0f;
    }

    public long EarliestMs => _earliestMs;

    /// <summary>Whether infinite optional values are let through (<see cref="SamplePlausibility.Unbounded"/> only).</summary>
    public bool AllowsNonFinite => _allowNonFinite;

    public long LatestMs => _latestMs;

    /// <summary>Whether a timestamp lies in the window.</summary>
    public bool TimeIn(long unixMs) => unixMs >= _earliestMs && unixMs <= _latestMs;

    /// <summary>Whether a speed (or speed limit) is missing or within 0 to the maximum.</summary>
    public bool SpeedIn(float value) => float.IsNaN(value) || (value >= _floor && value <= _maxSpeed) || (_allowNonFinite && !float.IsFinite(value));

    /// <summary>Whether a speed limit is missing, not posted (0 or below, read as missing) or up to the maximum.</summary>
    public bool SpeedLimitIn(float value) => !(value > 0) || value <= _maxSpeed || (_allowNonFinite && !float.IsFinite(value));

    /// <summary>
    /// A posted speed limit as read: loggers and map matchers write 0 (or -1) for "no limit known", and no road is posted
    /// at 0 or below, so such a value is missing (NaN) rather than a limit every moving second exceeds. NaN stays as given.
    /// </summary>
    public static float PostedLimit(float value) => value <= 0 ? float.NaN : value;

    /// <summary>Whether an acceleration is missing or within ± the maximum.</summary>
    public bool AccelerationIn(float value) => float.IsNaN(value) || Math.Abs(value) <= _maxAcceleration || (_allowNonFinite && !float.IsFinite(value));

    /// <summary>Whether a GPS accuracy is missing or within 0 to the maximum.</summary>
    public bool AccuracyIn(float value) => float.IsNaN(value) || (value >= _floor && value <= _maxAccuracy) || (_allowNonFinite && !float.IsFinite(value));

    /// <summary>Whether a heading is missing or a finite angle within ±360 degrees.</summary>
    public bool HeadingIn(float value) => float.IsNaN(value) || Math.Abs(value) <= _maxHeading || (_allowNonFinite && !float.IsFinite(value));

    /// <summary>
    /// Checks one parsed sample; on failure sets <paramref name="error"/> to the first field out of bounds and returns
    /// false. On success a speed limit of 0 or below is made missing (<see cref="PostedLimit"/>), unless the bounds are
    /// <see cref="SamplePlausibility.Unbounded"/>, which reads every value as written (format conversion).
    /// </summary>
    public bool Check(ref TelematicsSample sample, ref RecordError error)
    {
        if (!TimeIn(sample.TimestampUnixMs))
        {
            return error.Set("timestamp", TimeReason(sample.TimestampUnixMs));
        }

        if (!SpeedIn(sample.SpeedMps))
        {
            return error.Set("speed_mps", SpeedReason(sample.SpeedMps, "speed"));
        }

        if (!AccelerationIn(sample.LongitudinalAccelMps2))
        {
            return error.Set("accel_lon_mps2", AccelerationReason());
        }

        if (!AccelerationIn(sample.LateralAccelMps2))
        {
            return error.Set("accel_lat_mps2", AccelerationReason());
        }

        if (!AccuracyIn(sample.GpsAccuracyM))
        {
            return error.Set("gps_accuracy_m", string.Create(CultureInfo.InvariantCulture, $"not a GPS accuracy from 0 to {_maxAccuracy} m"));
        }

        if (!HeadingIn(sample.HeadingDeg))
        {
            return error.Set("heading_deg", "not a heading within ±360 degrees");
        }

        if (!SpeedLimitIn(sample.SpeedLimitMps))
        {
            return error.Set("speed_limit_mps", SpeedReason(sample.SpeedLimitMps, "speed limit"));
        }

        if (sample.SpeedLimitMps <= 0 && !_allowNonFinite)
        {
            sample = sample with { SpeedLimitMps = float.NaN };
        }

        return true;
    }

    private string TimeReason(long unixMs)
    {
        var earliest = _earliestMs == long.MinValue ? "any time" : DateTimeOffset.FromUnixTimeMilliseconds(_earliestMs).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var latest = _latestMs == long.MaxValue ? "any time" : DateTimeOffset.FromUnixTimeMilliseconds(_latestMs).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return unixMs < _earliestMs
            ? $"the time is before {earliest}, outside the plausible window"
            : $"the time is after {latest} (later than allowed ahead of now), outside the plausible window";
    }

    private string SpeedReason(float value, string what) =>
        !float.IsFinite(value) ? $"the {what} is not a finite number"
        : value < 0 ? $"the {what} is negative"
        : string.Create(CultureInfo.InvariantCulture, $"the {what} is above {_maxSpeed} m/s");

    private string AccelerationReason() => string.Create(CultureInfo.InvariantCulture, $"not an acceleration within ±{_maxAcceleration} m/s²");

    private static long SaturatingAdd(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;
}
