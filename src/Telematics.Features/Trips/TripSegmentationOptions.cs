namespace Telematics.Features.Trips;

/// <summary>When <see cref="TripSegmenter"/> ends a trip and which trips it discards.</summary>
public sealed record TripSegmentationOptions
{
    /// <summary>The defaults documented on each property.</summary>
    public static TripSegmentationOptions Default { get; } = new();

    /// <summary>A time without samples at least this long ends the trip, seconds.</summary>
    /// <value>Default 300 s (the product design): logging apps stop recording within minutes of parking.</value>
    public double MaxGapS { get; init; } = 300.0;

    /// <summary>A stationary spell at least this long ends the trip at its start, seconds.</summary>
    /// <value>Default 300 s (the product design): longer than any traffic-light or congestion stop, shorter than an errand.</value>
    public double MaxStationaryS { get; init; } = 300.0;

    /// <summary>Speeds below this count as stationary, m/s; a trip starts at the first sample at or above it.</summary>
    /// <value>Default 1.0 m/s (3.6 km/h, walking pace): above the speed a parked phone's GPS drift reports, below any driving.</value>
    public float StationarySpeedMps { get; init; } = 1.0f;

    /// <summary>Trips shorter than this are discarded, metres.</summary>
    /// <value>Default 500 m: shorter "trips" are mostly moving the car in a car park or GPS drift.</value>
    public double MinDistanceM { get; init; } = 500.0;

    /// <summary>Trips shorter than this are discarded, seconds.</summary>
    /// <value>Default 60 s: too short to say anything about driving style.</value>
    public double MinDurationS { get; init; } = 60.0;

    /// <summary>Checks every threshold.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is negative, or a duration or speed is not positive.</exception>
    public void Validate()
    {
        if (!(MaxGapS > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGapS), MaxGapS, "Must be greater than 0.");
        }

        if (!(MaxStationaryS > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxStationaryS), MaxStationaryS, "Must be greater than 0.");
        }

        if (!(StationarySpeedMps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(StationarySpeedMps), StationarySpeedMps, "Must be greater than 0.");
        }

        if (!(MinDistanceM >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDistanceM), MinDistanceM, "Must be 0 or more.");
        }

        if (!(MinDurationS >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDurationS), MinDurationS, "Must be 0 or more.");
        }
    }
}
