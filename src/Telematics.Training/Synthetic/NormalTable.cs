namespace Telematics.Training.Synthetic;

/// <summary>
/// 65,536 standard normal deviates drawn once from a fixed seed: per-sample noise then costs one table read
/// instead of a logarithm and a cosine, which keeps the simulator above 5 million samples a second.
/// </summary>
internal static class NormalTable
{
    private static readonly float[] Values = Create();

    public static float Next(ref Xoshiro256 rng) => Values[(int)(rng.NextUInt64() >> 48)];

    private static float[] Create()
    {
        var rng = new Xoshiro256(0x5EED_0F_7AB1E);
        var values = new float[1 << 16];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)rng.Normal();
        }

        return values;
    }
}
