namespace Telematics.Features.Imu.Motion;

/// <summary>A 3-vector of doubles for the few frame computations per bin (System.Numerics has none in double).</summary>
internal readonly record struct Vector3D(double X, double Y, double Z)
{
    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public static Vector3D operator +(Vector3D a, Vector3D b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3D operator -(Vector3D a, Vector3D b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3D operator *(Vector3D a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public double Dot(Vector3D b) => (X * b.X) + (Y * b.Y) + (Z * b.Z);

    public Vector3D Cross(Vector3D b) => new((Y * b.Z) - (Z * b.Y), (Z * b.X) - (X * b.Z), (X * b.Y) - (Y * b.X));

    public Vector3D Normalized()
    {
        var length = Length;
        return length > 0 ? this * (1 / length) : this;
    }
}
