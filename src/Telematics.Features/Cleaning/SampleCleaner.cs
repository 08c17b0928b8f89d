using System.Buffers;
using Telematics.Features.Geo;
using Telematics.Features.Samples;

namespace Telematics.Features.Cleaning;

/// <summary>
/// Cleans chunks of one driver's samples in place: orders them by time, drops samples without a valid
/// position, duplicate timestamps, fixes with poor GPS accuracy and position jumps that imply an impossible speed.
/// </summary>
/// <remarks>
/// Chunks are cleaned in arrival order and the cleaner remembers the last kept sample, so duplicates, late
/// samples and jumps are recognised across chunk boundaries. Kept samples are compacted to the front of the
/// buffer (columns moved, no per-sample allocation; reordering borrows scratch arrays from
/// <see cref="ArrayPool{T}.Shared"/>). Not thread-safe: one cleaner per driver stream.
/// </remarks>
public sealed class SampleCleaner
{
    private readonly SampleCleaningOptions _options;
    private bool _hasLast;
    private long _lastT;
    private double _lastLat;
    private double _lastLon;

    /// <summary>Creates a cleaner.</summary>
    /// <param name="options">Thresholds; <see cref="SampleCleaningOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SampleCleaner(SampleCleaningOptions? options = null)
    {
        _options = options ?? SampleCleaningOptions.Default;
        _options.Validate();
    }

    /// <summary>Totals over every chunk cleaned so far.</summary>
    public CleaningReport Total { get; private set; }

    /// <summary>Cleans a chunk in place; the buffer is shortened to the kept samples.</summary>
    /// <param name="chunk">Samples in arrival order; rewritten in place.</param>
    /// <param name="droppedTimestampsUnixMs">When not null, receives the timestamp of every dropped sample.</param>
    /// <returns>Counts for this chunk (also added to <see cref="Total"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    public CleaningReport Clean(SampleBuffer chunk, List<long>? droppedTimestampsUnixMs = null)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var n = chunk.Count;
        long outOfOrder = 0;
        if (_options.OutOfOrder == OutOfOrderHandling.Reorder)
        {
            outOfOrder = CountLate(chunk.TimestampUnixMs, _hasLast ? _lastT : long.MinValue);
            if (outOfOrder > 0)
            {
                SortByTime(chunk);
            }
        }

        long invalid = 0, duplicates = 0, lateDropped = 0, lowAccuracy = 0, jumps = 0;
        var ts = chunk.TimestampUnixMs;
        var lat = chunk.LatitudeDeg;
        var lon = chunk.LongitudeDeg;
        var accuracy = chunk.GpsAccuracyM;
        var maxAccuracy = _options.MaxGpsAccuracyM;
        var maxSpeedMpms = _options.MaxPlausibleSpeedMps / 1000.0;
        var margin = _options.JumpNoiseMarginM;
        var write = 0;
        for (var read = 0; read < n; read++)
        {
            var t = ts[read];
            var latitude = lat[read];
            var longitude = lon[read];
            if (!(latitude >= -90.0 && latitude <= 90.0 && longitude >= -180.0 && longitude <= 180.0))
            {
                invalid++;
                droppedTimestampsUnixMs?.Add(t);
                continue;
            }

            if (_hasLast && t < _lastT)
            {
                lateDropped++;
                droppedTimestampsUnixMs?.Add(t);
                continue;
            }

            if (_hasLast && t == _lastT)
            {
                duplicates++;
                droppedTimestampsUnixMs?.Add(t);
                continue;
            }

            if (accuracy[read] > maxAccuracy)
            {
                lowAccuracy++;
                droppedTimestampsUnixMs?.Add(t);
                continue;
            }

            if (_hasLast && GeoMath.HaversineM(_lastLat, _lastLon, lat[read], lon[read]) - margin > maxSpeedMpms * (t - _lastT))
            {
                jumps++;
                droppedTimestampsUnixMs?.Add(t);
                continue;
            }

            if (write != read)
            {
                Move(chunk, read, write);
            }

            write++;
            _hasLast = true;
            _lastT = t;
            _lastLat = lat[read];
            _lastLon = lon[read];
        }

        chunk.Truncate(write);
        if (_options.OutOfOrder == OutOfOrderHandling.Drop)
        {
            outOfOrder = lateDropped;
        }

        var report = new CleaningReport(n, invalid, duplicates, outOfOrder, lateDropped, lowAccuracy, jumps);
        Total += report;
        return report;
    }

    /// <summary>Forgets the last kept sample and the totals, to start a new stream.</summary>
    public void Reset()
    {
        _hasLast = false;
        Total = default;
    }

    private static long CountLate(ReadOnlySpan<long> ts, long runningMax)
    {
        long late = 0;
        foreach (var t in ts)
        {
            if (t < runningMax)
            {
                late++;
            }
            else
            {
                runningMax = t;
            }
        }

        return late;
    }

    private static void SortByTime(SampleBuffer chunk)
    {
        var n = chunk.Count;
        var keys = ArrayPool<long>.Shared.Rent(n);
        var order = ArrayPool<int>.Shared.Rent(n);
        try
        {
            var keySpan = keys.AsSpan(0, n);
            var orderSpan = order.AsSpan(0, n);
            chunk.TimestampUnixMs.CopyTo(keySpan);
            for (var i = 0; i < n; i++)
            {
                orderSpan[i] = i;
            }

            keySpan.Sort(orderSpan);
            // The sort is not stable: restore arrival order among equal timestamps so the first one is kept.
            for (var start = 0; start < n;)
            {
                var end = start + 1;
                while (end < n && keySpan[end] == keySpan[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    orderSpan[start..end].Sort();
                }

                start = end;
            }

            Permute(chunk.TimestampUnixMs, orderSpan);
            Permute(chunk.LatitudeDeg, orderSpan);
            Permute(chunk.LongitudeDeg, orderSpan);
            Permute(chunk.SpeedMps, orderSpan);
            Permute(chunk.HeadingDeg, orderSpan);
            Permute(chunk.LongitudinalAccelMps2, orderSpan);
            Permute(chunk.LateralAccelMps2, orderSpan);
            Permute(chunk.GpsAccuracyM, orderSpan);
            Permute(chunk.SpeedLimitMps, orderSpan);
            Permute(chunk.RoadClass, orderSpan);
            Permute(chunk.Flags, orderSpan);
            Permute(chunk.EventId, orderSpan);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private static void Permute<T>(Span<T> column, ReadOnlySpan<int> order)
    {
        var scratch = ArrayPool<T>.Shared.Rent(column.Length);
        try
        {
            for (var i = 0; i < column.Length; i++)
            {
                scratch[i] = column[order[i]];
            }

            scratch.AsSpan(0, column.Length).CopyTo(column);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    private static void Move(SampleBuffer chunk, int from, int to)
    {
        chunk.TimestampUnixMs[to] = chunk.TimestampUnixMs[from];
        chunk.LatitudeDeg[to] = chunk.LatitudeDeg[from];
        chunk.LongitudeDeg[to] = chunk.LongitudeDeg[from];
        chunk.SpeedMps[to] = chunk.SpeedMps[from];
        chunk.HeadingDeg[to] = chunk.HeadingDeg[from];
        chunk.LongitudinalAccelMps2[to] = chunk.LongitudinalAccelMps2[from];
        chunk.LateralAccelMps2[to] = chunk.LateralAccelMps2[from];
        chunk.GpsAccuracyM[to] = chunk.GpsAccuracyM[from];
        chunk.SpeedLimitMps[to] = chunk.SpeedLimitMps[from];
        chunk.RoadClass[to] = chunk.RoadClass[from];
        chunk.Flags[to] = chunk.Flags[from];
        chunk.EventId[to] = chunk.EventId[from];
    }
}
