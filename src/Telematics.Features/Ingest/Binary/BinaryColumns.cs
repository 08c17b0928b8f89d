using System.Runtime.InteropServices;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Binary;

/// <summary>
/// Bulk decoding of a checked block's columns straight into a <see cref="SampleBuffer"/>'s columns, for a little-endian
/// machine (the format is little-endian, so each column is a plain copy).
/// </summary>
internal static class BinaryColumns
{
    /// <summary>How many records from <paramref name="first"/> on, at most <paramref name="count"/>, pass validation before the first bad one.</summary>
    /// <param name="data">The block's column data (after the count).</param>
    /// <param name="offsets">Byte offset of each column in <paramref name="data"/>, -1 where absent.</param>
    /// <param name="first">Index of the first record in the block.</param>
    /// <param name="count">Number of records to look at.</param>
    /// <param name="earliestMs">The earliest time accepted: the plausible window's start, or later where earlier reads set a floor.</param>
    /// <param name="limits">The plausibility bounds of the reader.</param>
    public static int CountValid(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, int first, int count, long earliestMs, in PlausibleLimits limits)
    {
        var valid = count;
        valid = Math.Min(valid, CountTimesIn(Column<long>(data, offsets[0], first, count), earliestMs, limits.LatestMs));
        valid = Math.Min(valid, CountWhile<SpeedCheck>(data, offsets[3], first, valid, limits));
        valid = Math.Min(valid, CountWhile<HeadingCheck>(data, offsets[4], first, valid, limits));
        valid = Math.Min(valid, CountWhile<AccelerationCheck>(data, offsets[5], first, valid, limits));
        valid = Math.Min(valid, CountWhile<AccelerationCheck>(data, offsets[6], first, valid, limits));
        valid = Math.Min(valid, CountWhile<AccuracyCheck>(data, offsets[7], first, valid, limits));
        valid = Math.Min(valid, CountWhile<SpeedLimitCheck>(data, offsets[8], first, valid, limits));
        valid = Math.Min(valid, CountWithin(Column<double>(data, offsets[1], first, count), 90));
        valid = Math.Min(valid, CountWithin(Column<double>(data, offsets[2], first, count), 180));
        if (offsets[9] >= 0)
        {
            // Road classes are 0 to 7 (Service); flags use the seven low bits.
            valid = Math.Min(valid, CountBelow(data.Slice(offsets[9] + first, count), (byte)RoadClass.Service + 1));
        }

        if (offsets[10] >= 0)
        {
            valid = Math.Min(valid, CountBelow(data.Slice(offsets[10] + first, count), BinaryFormat.FlagsBelow));
        }

        return valid;
    }

    /// <summary>
    /// Appends <paramref name="count"/> records from <paramref name="first"/> on; absent columns become missing values, and
    /// so do speed limits of 0 or below unless <paramref name="limits"/> reads values as written (<see cref="PlausibleLimits.AllowsNonFinite"/>).
    /// </summary>
    public static void Copy(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, int first, int count, SampleBuffer destination, in PlausibleLimits limits)
    {
        var at = destination.AppendUnset(count);
        Column<long>(data, offsets[0], first, count).CopyTo(destination.TimestampUnixMs[at..]);
        Column<double>(data, offsets[1], first, count).CopyTo(destination.LatitudeDeg[at..]);
        Column<double>(data, offsets[2], first, count).CopyTo(destination.LongitudeDeg[at..]);
        CopyOrFill(data, offsets[3], first, count, destination.SpeedMps[at..], float.NaN);
        CopyOrFill(data, offsets[4], first, count, destination.HeadingDeg[at..], float.NaN);
        CopyOrFill(data, offsets[5], first, count, destination.LongitudinalAccelMps2[at..], float.NaN);
        CopyOrFill(data, offsets[6], first, count, destination.LateralAccelMps2[at..], float.NaN);
        CopyOrFill(data, offsets[7], first, count, destination.GpsAccuracyM[at..], float.NaN);
        CopyOrFill(data, offsets[8], first, count, destination.SpeedLimitMps[at..], float.NaN);
        if (offsets[8] >= 0 && !limits.AllowsNonFinite)
        {
            UnpostedLimitsMissing(destination.SpeedLimitMps.Slice(at, count));
        }

        CopyOrFill(data, offsets[9], first, count, MemoryMarshal.Cast<RoadClass, byte>(destination.RoadClass[at..]), (byte)RoadClass.Unknown);
        CopyOrFill(data, offsets[10], first, count, MemoryMarshal.Cast<SampleFlags, byte>(destination.Flags[at..]), (byte)SampleFlags.PhoneUnknown);
        CopyOrFill(data, offsets[11], first, count, destination.EventId[at..], 0L);
    }

    // A limit of 0 or below is "no limit known" (PlausibleLimits.PostedLimit), as the one-record path reads it.
    private static void UnpostedLimitsMissing(Span<float> limits)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            limits[i] = PlausibleLimits.PostedLimit(limits[i]);
        }
    }

    private static ReadOnlySpan<T> Column<T>(ReadOnlySpan<byte> data, int offset, int first, int count)
        where T : unmanaged
    {
        var width = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return MemoryMarshal.Cast<byte, T>(data.Slice(offset + (first * width), count * width));
    }

    private static void CopyOrFill<T>(ReadOnlySpan<byte> data, int offset, int first, int count, Span<T> destination, T missing)
        where T : unmanaged
    {
        if (offset < 0)
        {
            destination[..count].Fill(missing);
        }
        else
        {
            Column<T>(data, offset, first, count).CopyTo(destination);
        }
    }

    private static int CountWithin(ReadOnlySpan<double> values, double bound)
    {
        for (var i = 0; i < values.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(Math.Abs(values[i]) <= bound))
            {
                return i;
            }
        }

        return values.Length;
    }

    private static int CountTimesIn(ReadOnlySpan<long> values, long earliest, long latest)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < earliest || values[i] > latest)
            {
                return i;
            }
        }

        return values.Length;
    }

    /// <summary>How many of a float column's first <paramref name="count"/> values pass <typeparamref name="TCheck"/>; an absent column (all missing) passes.</summary>
    /// <remarks>A struct type argument makes the JIT compile one loop per check with the check inlined: no delegate call per value.</remarks>
    private static int CountWhile<TCheck>(ReadOnlySpan<byte> data, int offset, int first, int count, in PlausibleLimits limits)
        where TCheck : struct, IFloatCheck
    {
        if (offset < 0 || count == 0)
        {
            return count;
        }

        var values = Column<float>(data, offset, first, count);
        for (var i = 0; i < values.Length; i++)
        {
            if (!default(TCheck).In(in limits, values[i]))
            {
                return i;
            }
        }

        return values.Length;
    }

    private static int CountBelow(ReadOnlySpan<byte> values, byte limit)
    {
        var bad = values.IndexOfAnyExceptInRange((byte)0, (byte)(limit - 1));
        return bad < 0 ? values.Length : bad;
    }

    private interface IFloatCheck
    {
        bool In(in PlausibleLimits limits, float value);
    }

    private readonly struct SpeedCheck : IFloatCheck
    {
        public bool In(in PlausibleLimits limits, float value) => limits.SpeedIn(value);
    }

    private readonly struct SpeedLimitCheck : IFloatCheck
    {
        public bool In(in PlausibleLimits limits, float value) => limits.SpeedLimitIn(value);
    }

    private readonly struct HeadingCheck : IFloatCheck
    {
        public bool In(in PlausibleLimits limits, float value) => limits.HeadingIn(value);
    }

    private readonly struct AccelerationCheck : IFloatCheck
    {
        public bool In(in PlausibleLimits limits, float value) => limits.AccelerationIn(value);
    }

    private readonly struct AccuracyCheck : IFloatCheck
    {
        public bool In(in PlausibleLimits limits, float value) => limits.AccuracyIn(value);
    }
}
