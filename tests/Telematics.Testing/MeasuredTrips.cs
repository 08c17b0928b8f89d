using Telematics.Features.Pipeline;
using Telematics.Features.Samples;

namespace Telematics.Testing;

/// <summary>
/// Real trips for tests that store trips: 1 Hz samples of a straight drive on a primary road, measured by the feature
/// pipeline, so each trip carries the state that drivers' vectors are combined from (a hand-made vector has none).
/// </summary>
public static class MeasuredTrips
{
    // Metres per degree of latitude on the pipeline's spherical Earth (GeoMath.EarthRadiusM).
    private const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;

    /// <summary>
    /// A trip on <paramref name="day"/> (UTC) of about <paramref name="km"/> in <paramref name="hours"/>, timed so that
    /// about <paramref name="nightShare"/> of it is driven after 22:00 (none: it starts at 08:00), with harsh brakes
    /// spread along it at about <paramref name="harshBrakingPer100Km"/>.
    /// </summary>
    /// <param name="day">The day; its time of day is ignored.</param>
    /// <param name="km">Distance, km (&gt; 0).</param>
    /// <param name="hours">Duration, h (&gt; 0).</param>
    /// <param name="nightShare">Share of the trip after 22:00, 0–1.</param>
    /// <param name="harshBrakingPer100Km">Harsh brakes per 100 km.</param>
    /// <param name="firstEventId">Event id of the first sample (the rest follow).</param>
    /// <returns>The trip as the pipeline measured it (UTC time zone).</returns>
    public static TripFeatures Create(DateTimeOffset day, double km, double hours, double nightShare = 0, double harshBrakingPer100Km = 0, long firstEventId = 1)
    {
        var seconds = (int)Math.Round(hours * 3600);
        var start = new DateTimeOffset(day.UtcDateTime.Date, TimeSpan.Zero)
            + (nightShare > 0 ? TimeSpan.FromHours(22) - TimeSpan.FromSeconds((1 - nightShare) * seconds) : TimeSpan.FromHours(8));
        var samples = Samples(start, km, seconds, harshBrakingPer100Km, firstEventId);
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc);
        var trips = new List<TripFeatures>(pipeline.Push(samples));
        trips.AddRange(pipeline.Complete());
        return trips.Count == 1 ? trips[0] : throw new InvalidOperationException($"The samples made {trips.Count} trips, not one.");
    }

    /// <summary>
    /// The samples <see cref="Create"/> measures: cruising with 2-second harsh brakes (−4.5 m/s²) and 1 m/s² back to
    /// cruise, the speeds scaled so that the distance is <paramref name="km"/> (as the pipeline measures it).
    /// </summary>
    public static SampleBuffer Samples(DateTimeOffset start, double km, int seconds, double harshBrakingPer100Km = 0, long firstEventId = 1)
    {
        var brakes = (int)Math.Round(harshBrakingPer100Km * km / 100);
        var spacing = brakes > 0 ? seconds / (brakes + 1) : int.MaxValue;
        var speeds = new double[seconds + 1];
        var accels = new double[seconds + 1];
        double speed = 1, travelled = 0;
        for (var i = 0; i <= seconds; i++)
        {
            // A brake every `spacing` seconds (never closer than the 3 s merge gap), then back to cruise.
            var inBrake = i / spacing is >= 1 && i / spacing <= brakes && i % spacing is 0 or 1;
            accels[i] = inBrake ? -4.5 : speed < 1 ? 1.0 : 0.0;
            speed = Math.Min(1, Math.Max(0.05, speed + (accels[i] / 20)));
            speeds[i] = speed;
            travelled += i > 0 ? speed : 0;
        }

        // Unit cruise speed above; now scaled to the distance (the brakes' depth scales with it, their -4.5 m/s² does not).
        var cruise = km * 1000 / travelled;
        var samples = new SampleBuffer(seconds + 1);
        var lat = 45.0;
        for (var i = 0; i <= seconds; i++)
        {
            lat += i > 0 ? speeds[i] * cruise / MetresPerDegree : 0;
            samples.Add(new TelematicsSample(start.AddSeconds(i).ToUnixTimeMilliseconds(), lat, 2.35)
            {
                SpeedMps = (float)(speeds[i] * cruise),
                HeadingDeg = 0,
                LongitudinalAccelMps2 = (float)accels[i],
                LateralAccelMps2 = 0,
                GpsAccuracyM = 5,
                RoadClass = RoadClass.Primary,
                EventId = firstEventId + i,
            });
        }

        return samples;
    }
}
