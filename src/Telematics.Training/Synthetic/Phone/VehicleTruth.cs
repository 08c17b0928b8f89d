namespace Telematics.Training.Synthetic.Phone;

/// <summary>The simulated vehicle's motion at a fixed 100 Hz step (struct-of-arrays): what the phone's sensors then see through its mounting.</summary>
internal sealed class VehicleTruth
{
    public const double Step = 0.01;

    public List<float> Longitudinal { get; } = [];

    public List<float> Lateral { get; } = [];

    public List<float> YawRate { get; } = [];

    public List<float> Speed { get; } = [];

    /// <summary>Vertical acceleration of the body (road bumps), m/s².</summary>
    public List<float> Vertical { get; } = [];

    /// <summary>Pitch rate of the body (road bumps), rad/s.</summary>
    public List<float> PitchRate { get; } = [];

    public double SpeedNow { get; private set; }

    public int Count => Longitudinal.Count;

    public double Seconds => Count * Step;

    public void Start(double speed) => SpeedNow = speed;

    /// <summary>Adds one step with the given longitudinal acceleration and yaw rate; lateral acceleration is speed × yaw rate.</summary>
    public void Add(double longitudinal, double yawRate, double vertical = 0, double pitchRate = 0)
    {
        Vertical.Add((float)vertical);
        PitchRate.Add((float)pitchRate);
        Longitudinal.Add((float)longitudinal);
        YawRate.Add((float)yawRate);
        Lateral.Add((float)(SpeedNow * yawRate));
        Speed.Add((float)SpeedNow);
        SpeedNow = Math.Max(0, SpeedNow + (longitudinal * Step));
    }
}
