using System.Buffers.Binary;
using Telematics.Features.Statistics;

namespace Telematics.Features.Aggregation;

/// <summary>
/// Binary form of <see cref="FeatureTotals"/>: a magic "TFA" and a version byte, the scalars little-endian,
/// then each histogram as its non-empty bins (7-bit varint index gap and weight). Version 2 added the time whose source
/// recorded no phone use; a version 1 state (written before) reads with none, as its phone features were computed.
/// </summary>
internal static class AggregateState
{
    private const byte Version = 2;
    private const byte FirstVersion = 1;
    private static ReadOnlySpan<byte> Magic => "TFA"u8;

    public static byte[] Write(FeatureTotals totals)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(totals.TripCount);
            writer.Write(totals.DistanceM);
            writer.Write(totals.DurationMs);
            writer.Write(totals.NightM);
            writer.Write(totals.LateNightM);
            writer.Write(totals.RushHourM);
            writer.Write(totals.WeekendM);
            writer.Write(totals.MovingMs);
            writer.Write(totals.MovingSpeedMpsMs);
            writer.Write(totals.LimitKnownMs);
            writer.Write(totals.SpeedingMs);
            writer.Write(totals.SevereSpeedingMs);
            writer.Write(totals.NoLimitMs);
            writer.Write(totals.VeryHighSpeedMs);
            writer.Write(totals.HarshBrakingCount);
            writer.Write(totals.RapidAccelerationCount);
            writer.Write(totals.HarshCorneringCount);
            writer.Write(totals.AbsJerkSum);
            writer.Write(totals.JerkMs);
            writer.Write(totals.PhoneMs);
            writer.Write(totals.PhoneMovingMs);
            foreach (var m in totals.RoadClassM)
            {
                writer.Write(m);
            }

            writer.Write(totals.HighRiskWeightedM);
            writer.Write(totals.GapMs);
            writer.Write(totals.RecordCount);
            writer.Write(totals.DroppedRecordCount);
            writer.Write(totals.PhoneUnknownMs);
            writer.Write(totals.PhoneUnknownMovingMs);
            WriteHistogram(writer, totals.SpeedKmh);
            WriteHistogram(writer, totals.AbsJerkMps3);
            WriteHistogram(writer, totals.AbsLateralG);
        }

        return stream.ToArray();
    }

    /// <summary>Replaces <paramref name="totals"/> with the state's totals.</summary>
    public static void Read(ReadOnlySpan<byte> state, FeatureTotals totals)
    {
        totals.Clear();
        Add(state, totals, new int[AllBins], new long[AllBins]);
    }

    /// <summary>Bins of the three histograms together: the size of the scratch <see cref="Add"/> decodes them into.</summary>
    public const int AllBins = FeatureTotals.SpeedBins + FeatureTotals.JerkBins + FeatureTotals.LateralBins;

    /// <summary>
    /// Adds the state's totals to <paramref name="totals"/>, exactly as <see cref="FeatureTotals.Add"/> adds the totals
    /// it was written from (the same additions in the same order, so the sums are bit-identical). The histograms are
    /// decoded (and checked) into the caller's scratch first: a bad state throws and changes nothing.
    /// </summary>
    /// <param name="state">The saved bytes.</param>
    /// <param name="totals">Receives the sums.</param>
    /// <param name="binIndex">Scratch of at least <see cref="AllBins"/> values.</param>
    /// <param name="binWeight">Scratch of at least <see cref="AllBins"/> values.</param>
    public static void Add(ReadOnlySpan<byte> state, FeatureTotals totals, Span<int> binIndex, Span<long> binWeight)
    {
        var scalarBytes = CheckHeader(state);
        var reader = new StateReader(state[(4 + scalarBytes)..]);
        var speed = reader.DecodeHistogram(FeatureTotals.SpeedBins, "SpeedKmh", binIndex, binWeight);
        var jerk = reader.DecodeHistogram(FeatureTotals.JerkBins, "AbsJerkMps3", binIndex[speed..], binWeight[speed..]);
        var lateral = reader.DecodeHistogram(FeatureTotals.LateralBins, "AbsLateralG", binIndex[(speed + jerk)..], binWeight[(speed + jerk)..]);
        if (!reader.AtEnd)
        {
            throw new FormatException("The driver aggregate state has trailing bytes.");
        }

        AddScalars(state, totals);
        AddBins(totals.SpeedKmh, binIndex[..speed], binWeight[..speed]);
        AddBins(totals.AbsJerkMps3, binIndex.Slice(speed, jerk), binWeight.Slice(speed, jerk));
        AddBins(totals.AbsLateralG, binIndex.Slice(speed + jerk, lateral), binWeight.Slice(speed + jerk, lateral));
    }

    private static void AddBins(FixedBinHistogram histogram, ReadOnlySpan<int> index, ReadOnlySpan<long> weight)
    {
        var bins = histogram.Bins;
        for (var i = 0; i < index.Length; i++)
        {
            bins[index[i]] += weight[i];
        }
    }

    // The scalars, in written order: 21 before the road classes, the road classes, 4 after (6 from version 2); 8 bytes each.
    private static int ScalarBytes(byte version) => (21 + FeatureTotals.RoadClassCount + (version >= 2 ? 6 : 4)) * 8;

    // Their names, for errors, in the order Write writes them.
    private static readonly string[] ScalarNames =
    [
        nameof(FeatureTotals.TripCount), nameof(FeatureTotals.DistanceM), nameof(FeatureTotals.DurationMs), nameof(FeatureTotals.NightM),
        nameof(FeatureTotals.LateNightM), nameof(FeatureTotals.RushHourM), nameof(FeatureTotals.WeekendM), nameof(FeatureTotals.MovingMs),
        nameof(FeatureTotals.MovingSpeedMpsMs), nameof(FeatureTotals.LimitKnownMs), nameof(FeatureTotals.SpeedingMs), nameof(FeatureTotals.SevereSpeedingMs),
        nameof(FeatureTotals.NoLimitMs), nameof(FeatureTotals.VeryHighSpeedMs), nameof(FeatureTotals.HarshBrakingCount), nameof(FeatureTotals.RapidAccelerationCount),
        nameof(FeatureTotals.HarshCorneringCount), nameof(FeatureTotals.AbsJerkSum), nameof(FeatureTotals.JerkMs), nameof(FeatureTotals.PhoneMs),
        nameof(FeatureTotals.PhoneMovingMs),
        nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM),
        nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM), nameof(FeatureTotals.RoadClassM),
        nameof(FeatureTotals.HighRiskWeightedM), nameof(FeatureTotals.GapMs), nameof(FeatureTotals.RecordCount), nameof(FeatureTotals.DroppedRecordCount),
        nameof(FeatureTotals.PhoneUnknownMs), nameof(FeatureTotals.PhoneUnknownMovingMs),
    ];

    // Checks magic, version and length; returns the bytes of the scalars this version has.
    private static int CheckHeader(ReadOnlySpan<byte> state)
    {
        if (state.Length < 4 || !state[..3].SequenceEqual(Magic))
        {
            throw new FormatException("The bytes are not a driver aggregate state (magic \"TFA\" missing).");
        }

        if (state[3] is < FirstVersion or > Version)
        {
            throw new FormatException($"Driver aggregate state version {state[3]} is not supported; this library reads versions {FirstVersion} to {Version}.");
        }

        var scalarBytes = ScalarBytes(state[3]);
        if (state.Length < 4 + scalarBytes)
        {
            var field = ScalarNames[(state.Length - 4) / 8];
            throw new FormatException($"The driver aggregate state is truncated at field {field} (byte {state.Length - 4}; the totals alone take {scalarBytes}).");
        }

        return scalarBytes;
    }

    private static void AddScalars(ReadOnlySpan<byte> state, FeatureTotals totals)
    {
        var s = state[4..];
        var at = 0;
        totals.TripCount += Int64(s, ref at);
        totals.DistanceM += Double(s, ref at);
        totals.DurationMs += Int64(s, ref at);
        totals.NightM += Double(s, ref at);
        totals.LateNightM += Double(s, ref at);
        totals.RushHourM += Double(s, ref at);
        totals.WeekendM += Double(s, ref at);
        totals.MovingMs += Int64(s, ref at);
        totals.MovingSpeedMpsMs += Double(s, ref at);
        totals.LimitKnownMs += Int64(s, ref at);
        totals.SpeedingMs += Int64(s, ref at);
        totals.SevereSpeedingMs += Int64(s, ref at);
        totals.NoLimitMs += Int64(s, ref at);
        totals.VeryHighSpeedMs += Int64(s, ref at);
        totals.HarshBrakingCount += Int64(s, ref at);
        totals.RapidAccelerationCount += Int64(s, ref at);
        totals.HarshCorneringCount += Int64(s, ref at);
        totals.AbsJerkSum += Double(s, ref at);
        totals.JerkMs += Int64(s, ref at);
        totals.PhoneMs += Int64(s, ref at);
        totals.PhoneMovingMs += Int64(s, ref at);
        for (var i = 0; i < totals.RoadClassM.Length; i++)
        {
            totals.RoadClassM[i] += Double(s, ref at);
        }

        totals.HighRiskWeightedM += Double(s, ref at);
        totals.GapMs += Int64(s, ref at);
        totals.RecordCount += Int64(s, ref at);
        totals.DroppedRecordCount += Int64(s, ref at);
        if (state[3] >= 2)
        {
            totals.PhoneUnknownMs += Int64(s, ref at);
            totals.PhoneUnknownMovingMs += Int64(s, ref at);
        }
    }

    private static long Int64(ReadOnlySpan<byte> s, ref int at)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(s[at..]);
        at += 8;
        return value;
    }

    private static double Double(ReadOnlySpan<byte> s, ref int at)
    {
        var value = BinaryPrimitives.ReadDoubleLittleEndian(s[at..]);
        at += 8;
        return value;
    }

    private static void WriteHistogram(BinaryWriter writer, FixedBinHistogram histogram)
    {
        var bins = histogram.Bins;
        var used = 0;
        foreach (var w in bins)
        {
            used += w != 0 ? 1 : 0;
        }

        writer.Write7BitEncodedInt(used);
        var previous = -1;
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] != 0)
            {
                writer.Write7BitEncodedInt(i - previous);
                writer.Write7BitEncodedInt64(bins[i]);
                previous = i;
            }
        }
    }

    private ref struct StateReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        /// <summary>Decodes one histogram's used bins into the scratch, checking each index and weight; returns how many.</summary>
        public int DecodeHistogram(int binCount, string field, Span<int> index, Span<long> weight)
        {
            var used = VarInt(field);
            if ((ulong)used > (ulong)binCount)
            {
                throw new FormatException($"The driver aggregate state field {field} lists {used} bins; it has {binCount}.");
            }

            long bin = -1;
            for (var k = 0; k < (int)used; k++)
            {
                var gap = VarInt(field);
                bin += gap;
                if (gap < 1 || (ulong)bin >= (ulong)binCount)
                {
                    throw new FormatException($"The driver aggregate state field {field} has a bin index {bin} outside 0..{binCount - 1} or out of order.");
                }

                var w = VarInt(field);
                if (w < 0)
                {
                    throw new FormatException($"The driver aggregate state field {field} has a negative weight in bin {bin}.");
                }

                index[k] = (int)bin;
                weight[k] = w;
            }

            return (int)used;
        }

        private long VarInt(string field)
        {
            long value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position == _bytes.Length)
                {
                    throw new FormatException($"The driver aggregate state is truncated at field {field} (byte {_position}).");
                }

                var b = _bytes[_position++];
                value |= (long)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new FormatException($"The driver aggregate state field {field} holds a malformed number.");
        }
    }
}
