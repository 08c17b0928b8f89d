namespace Telematics.Features.Cleaning;

/// <summary>What the cleaner does with a sample whose timestamp is earlier than the one before it.</summary>
public enum OutOfOrderHandling
{
    /// <summary>Sort the chunk by timestamp; samples older than the previous chunk's last sample are dropped.</summary>
    Reorder = 0,

    /// <summary>Drop every sample older than the last kept one and count it in the report.</summary>
    Drop = 1,
}
