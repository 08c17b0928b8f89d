using Telematics.Features.Samples;

namespace Telematics.Training.Synthetic;

/// <summary>Typical urban-to-highway road legs of a simulated trip, with US posted limits and block lengths.</summary>
internal readonly record struct RoadLeg(RoadClass Road, float LimitMps, double MinBlockM, double MaxBlockM, double StopChance, double TurnChance)
{
    private const float Mph = 0.44704f;

    // 25 mph residential, 35 mph collector, 45 mph arterial, 70 mph interstate: common US posted limits.
    public static readonly RoadLeg Residential = new(RoadClass.Residential, 25 * Mph, 120, 300, 0.35, 0.30);
    public static readonly RoadLeg Secondary = new(RoadClass.Secondary, 35 * Mph, 300, 800, 0.30, 0.20);
    public static readonly RoadLeg Primary = new(RoadClass.Primary, 45 * Mph, 500, 1_500, 0.20, 0.10);
    public static readonly RoadLeg Motorway = new(RoadClass.Motorway, 70 * Mph, 3_000, 10_000, 0.0, 0.0);
}
