namespace Telematics.Training.Synthetic.Phone;

/// <summary>Where the simulated phone rides; its exact orientation is drawn at random within the kind.</summary>
public enum PhoneMounting
{
    /// <summary>A dashboard or windscreen holder: screen near vertical, any heading.</summary>
    Dashboard = 0,

    /// <summary>Leaning in a cup holder or door pocket: tilted 20–60° from vertical, any heading.</summary>
    CupHolder = 1,

    /// <summary>In a trouser pocket: near flat along the thigh, any heading and roll, wobbling with the leg.</summary>
    Pocket = 2,
}
