namespace Telematics.Features.Imu.Ingest;

// A value as it is kept: scaled to SI units (g to m/s², °/s to rad/s) and checked against what a phone sensor can read;
// times scaled to nanoseconds, and those already stored divided when the provisional scale of Auto times is lowered.
internal sealed partial class ImuFileParser
{
    // Plausible magnitudes per axis: phone accelerometers saturate at 16 g (157 m/s²), gyroscopes at 2000 °/s (35 rad/s);
    // Earth's field is 25–65 µT, so 5000 µT is a broken reading, not a magnet nearby.
    private const float MaxAccelerationMps2 = 160f;
    private const float MaxRotationRadS = 35f;
    private const float MaxFieldMicroTesla = 5000f;
    private const float StandardGravity = 9.80665f;

    /// <summary>Converts, checks and keeps one axis value; false (after reporting it) when it is beyond the sensor's range.</summary>
    private bool Store(int slot, double parsed, int column, long lineNumber, ReadOnlySpan<byte> line, Span<float> values, Span<bool> present)
    {
        var sensor = (ImuSensor)(slot / 3);
        var value = Scale(sensor, (float)parsed);
        var limit = sensor switch
        {
            ImuSensor.Gyroscope => MaxRotationRadS,
            ImuSensor.Magnetometer => MaxFieldMicroTesla,
            _ => MaxAccelerationMps2,
        };
        if (!(MathF.Abs(value) <= limit))
        {
            Bad(lineNumber, _names[column], $"{value} is beyond the ±{limit} a {sensor} can read", line);
            return false;
        }

        values[slot] = value;
        present[slot] = true;
        return true;
    }

    // The provisional scale of Auto times was lowered: the times this file stored so far are divided to match.
    private void Rescale(long factor)
    {
        for (var sensor = 0; sensor < _firstRead.Length; sensor++)
        {
            foreach (ref var t in _destination[(ImuSensor)sensor].TimeNsMutable[_firstRead[sensor]..])
            {
                t /= factor;
            }
        }

        foreach (ref var t in _destination.Gps.TimeNsMutable[_firstGps..])
        {
            t /= factor;
        }

        for (var i = 0; i < _lastTime.Length; i++)
        {
            if (_lastTime[i] != long.MinValue)
            {
                _lastTime[i] /= factor;
            }
        }
    }

    /// <summary>Nanoseconds per unit of integer times the fast path may read, or 0 when times must take the general parser.</summary>
    private long FastTimeScale() => _mapping.Time.Format switch
    {
        ImuTimeFormat.UnixNs or ImuTimeFormat.MonotonicNs => 1,
        ImuTimeFormat.UnixMs => 1_000_000,
        ImuTimeFormat.UnixS or ImuTimeFormat.ElapsedS => 1_000_000_000,
        ImuTimeFormat.Auto => _time.ProvisionalScale,
        _ => 0,
    };

    private float Scale(ImuSensor sensor, float value) => sensor switch
    {
        ImuSensor.Accelerometer or ImuSensor.LinearAcceleration => value
            * (_mapping.AccelerationUnit == ImuAccelerationUnit.G ? StandardGravity : 1f)
            * (_mapping.AccelerationConvention == ImuAccelerationConvention.Ios ? -1f : 1f),
        ImuSensor.Gyroscope when _mapping.RotationUnit == ImuRotationUnit.DegS => value * (MathF.PI / 180f),
        _ => value,
    };
}
