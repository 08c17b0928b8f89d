namespace Telematics.Features.Imu.Manoeuvres;

/// <summary>An aggressive manoeuvre told from the vehicle's motion.</summary>
public enum ManoeuvreKind
{
    /// <summary>Longitudinal deceleration beyond <see cref="ManoeuvreDetectionOptions.BrakingMps2"/>.</summary>
    HarshBraking = 0,

    /// <summary>Longitudinal acceleration beyond <see cref="ManoeuvreDetectionOptions.AccelerationMps2"/>.</summary>
    HarshAcceleration = 1,

    /// <summary>A left turn with lateral acceleration beyond <see cref="ManoeuvreDetectionOptions.TurnMps2"/>.</summary>
    HarshLeftTurn = 2,

    /// <summary>A right turn with lateral acceleration beyond <see cref="ManoeuvreDetectionOptions.TurnMps2"/>.</summary>
    HarshRightTurn = 3,

    /// <summary>A swing to the left then back, beyond <see cref="ManoeuvreDetectionOptions.LaneChangeMps2"/> both ways, with little net heading change.</summary>
    AggressiveLeftLaneChange = 4,

    /// <summary>A swing to the right then back, beyond <see cref="ManoeuvreDetectionOptions.LaneChangeMps2"/> both ways, with little net heading change.</summary>
    AggressiveRightLaneChange = 5,
}
