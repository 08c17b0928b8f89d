using System.Buffers.Binary;
using Telematics.Features.Statistics;

namespace Telematics.Features.Aggregation;

/// <summary>
/// Binary form of <see cref="FeatureTotals"/>: a magic "TFA" and a version byte, the scalars little-endian,
/// then each histogram as its non-empty bins (7-bit varint index gap and weight).
/// </summary>
internal static class AggregateState
{
    private const byte Version = 1;
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
            WriteHistogram(writer, totals.SpeedKmh);
            WriteHistogram(writer, totals.AbsJerkMps3);
            WriteHistogram(writer, totals.AbsLateralG);
        }

        return stream.ToArray();
    }

    public static void Read(ReadOnlySpan<byte> state, FeatureTotals totals)
    {
        if (state.Length < 4 || !state[..3].SequenceEqual(Magic))
        {
            throw new FormatException("The bytes are not a driver aggregate state (magic \"TFA\" missing).");
        }

        if (state[3] != Version)
        {
            throw new FormatException($"Driver aggregate state version {state[3]} is not supported; this library reads version {Version}.");
        }

        var reader = new StateReader(state[4..]);
        totals.TripCount = reader.Int64(nameof(totals.TripCount));
        totals.DistanceM = reader.Double(nameof(totals.DistanceM));
        totals.DurationMs = reader.Int64(nameof(totals.DurationMs));
        totals.NightM = reader.Double(nameof(totals.NightM));
        totals.LateNightM = reader.Double(nameof(totals.LateNightM));
        totals.RushHourM = reader.Double(nameof(totals.RushHourM));
        totals.WeekendM = reader.Double(nameof(totals.WeekendM));
        totals.MovingMs = reader.Int64(nameof(totals.MovingMs));
        totals.MovingSpeedMpsMs = reader.Double(nameof(totals.MovingSpeedMpsMs));
        totals.LimitKnownMs = reader.Int64(nameof(totals.LimitKnownMs));
        totals.SpeedingMs = reader.Int64(nameof(totals.SpeedingMs));
        totals.SevereSpeedingMs = reader.Int64(nameof(totals.SevereSpeedingMs));
        totals.NoLimitMs = reader.Int64(nameof(totals.NoLimitMs));
        totals.VeryHighSpeedMs = reader.Int64(nameof(totals.VeryHighSpeedMs));
        totals.HarshBrakingCount = reader.Int64(nameof(totals.HarshBrakingCount));
        totals.RapidAccelerationCount = reader.Int64(nameof(totals.RapidAccelerationCount));
        totals.HarshCorneringCount = reader.Int64(nameof(totals.HarshCorneringCount));
        totals.AbsJerkSum = reader.Double(nameof(totals.AbsJerkSum));
        totals.JerkMs = reader.Int64(nameof(totals.JerkMs));
        totals.PhoneMs = reader.Int64(nameof(totals.PhoneMs));
        totals.PhoneMovingMs = reader.Int64(nameof(totals.PhoneMovingMs));
        for (var i = 0; i < totals.RoadClassM.Length; i++)
        {
            totals.RoadClassM[i] = reader.Double(nameof(totals.RoadClassM));
        }

        totals.HighRiskWeightedM = reader.Double(nameof(totals.HighRiskWeightedM));
        totals.GapMs = reader.Int64(nameof(totals.GapMs));
        totals.RecordCount = reader.Int64(nameof(totals.RecordCount));
        totals.DroppedRecordCount = reader.Int64(nameof(totals.DroppedRecordCount));
        reader.Histogram(totals.SpeedKmh, nameof(totals.SpeedKmh));
        reader.Histogram(totals.AbsJerkMps3, nameof(totals.AbsJerkMps3));
        reader.Histogram(totals.AbsLateralG, nameof(totals.AbsLateralG));
        if (!reader.AtEnd)
        {
            throw new FormatException("The driver aggregate state has trailing bytes.");
        }
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

        public long Int64(string field)
        {
            var span = Take(8, field);
            return BinaryPrimitives.ReadInt64LittleEndian(span);
        }

        public double Double(string field)
        {
            var span = Take(8, field);
            return BinaryPrimitives.ReadDoubleLittleEndian(span);
        }

        public void Histogram(FixedBinHistogram histogram, string field)
        {
            histogram.Clear();
            var bins = histogram.Bins;
            var used = VarInt(field);
            var index = -1;
            for (var k = 0; k < used; k++)
            {
                index += (int)VarInt(field);
                if ((uint)index >= (uint)bins.Length)
                {
                    throw new FormatException($"The driver aggregate state field {field} has a bin index {index} outside 0..{bins.Length - 1}.");
                }

                bins[index] = VarInt(field);
            }
        }

        private long VarInt(string field)
        {
            long value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Take(1, field)[0];
                value |= (long)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new FormatException($"The driver aggregate state field {field} holds a malformed number.");
        }

        private ReadOnlySpan<byte> Take(int count, string field)
        {
            if (_bytes.Length - _position < count)
            {
                throw new FormatException($"The driver aggregate state is truncated at field {field} (byte {_position}).");
            }

            var span = _bytes.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
