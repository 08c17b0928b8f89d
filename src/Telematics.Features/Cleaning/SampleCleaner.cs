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
/// samples and jumps are recognised across chunk boundaries. A fix out of reach of the last kept fix is not dropped
/// at once: it is held as a candidate, and when <see cref="SampleCleaningOptions.NewTrackFixCount"/> such fixes in a
/// row are plausible from one to the next they are kept as the track from then on (the car was relocated, or the old
/// fix was the outlier); a fix back within reach of the last kept one drops the candidates as jumps. A stream's first
/// fix is likewise held until a plausible fix confirms it, and dropped as a jump when two fixes in a row agree with
/// each other but not with it. Held fixes are written out in order with the
/// chunk that decides them, so a chunk may come out with samples of the one before it, and the result does not
/// depend on the chunking; held fixes still undecided when the stream ends are never written out. Kept samples are compacted to the front of the
/// buffer (columns moved, no per-sample allocation; reordering borrows scratch arrays from
/// <see cref="ArrayPool{T}.Shared"/>). Not thread-safe: one cleaner per driver stream.
/// </remarks>
public sealed class SampleCleaner
{
    // Candidates that outvote a stream's first fix while it is still unconfirmed: it has no track behind it.
    private const int StartFixCount = 2;

    private readonly SampleCleaningOptions _options;

    // Fixes that failed the jump test against the anchor but agree with each other, held until they are enough to
    // be the track (released as kept) or the anchor's track goes on (dropped as jumps). At most NewTrackFixCount.
    private readonly SampleBuffer _candidates;

    // A stream's first fix until a fix within reach confirms it (both are then kept) or candidates outvote it.
    private readonly SampleBuffer _heldAnchor = new(StartFixCount);
    private bool _carriedTripMark;
    private bool _hasLast;
    private long _lastT;
    private bool _hasAnchor;
    private long _anchorT;
    private double _anchorLat;
    private double _anchorLon;

    /// <summary>Creates a cleaner.</summary>
    /// <param name="options">Thresholds; <see cref="SampleCleaningOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SampleCleaner(SampleCleaningOptions? options = null)
    {
        _options = options ?? SampleCleaningOptions.Default;
        _options.Validate();
        _candidates = new SampleBuffer(_options.NewTrackFixCount);
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
        var inputCount = n;
        var ts = chunk.TimestampUnixMs;
        var lat = chunk.LatitudeDeg;
        var lon = chunk.LongitudeDeg;
        var accuracy = chunk.GpsAccuracyM;
        var maxAccuracy = _options.MaxGpsAccuracyM;
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
                CarryTripMark(chunk.Flags[read]);
                continue;
            }

            if (_hasLast && t < _lastT)
            {
                lateDropped++;
                droppedTimestampsUnixMs?.Add(t);
                CarryTripMark(chunk.Flags[read]);
                continue;
            }

            if (_hasLast && t == _lastT)
            {
                duplicates++;
                droppedTimestampsUnixMs?.Add(t);
                CarryTripMark(chunk.Flags[read]);
                continue;
            }

            if (accuracy[read] > maxAccuracy)
            {
                lowAccuracy++;
                droppedTimestampsUnixMs?.Add(t);
                CarryTripMark(chunk.Flags[read]);
                continue;
            }

            if (_carriedTripMark && (chunk.Flags[read] & SampleFlags.TripIdKnown) != 0)
            {
                chunk.Flags[read] |= SampleFlags.TripIdChanged;
                _carriedTripMark = false;
            }

            _hasLast = true;
            _lastT = t;
            if (!_hasAnchor)
            {
                // A stream's first fix: held until a plausible fix confirms it.
                _heldAnchor.Add(chunk[read]);
                SetAnchor(t, latitude, longitude);
                continue;
            }

            if (Plausible(_anchorT, _anchorLat, _anchorLon, t, latitude, longitude))
            {
                // The anchor's track goes on: pending candidates were the outlier.
                jumps += DropHeld(_candidates, droppedTimestampsUnixMs);
                if (_heldAnchor.Count > 0)
                {
                    _heldAnchor.Add(chunk[read]);
                    n = Release(_heldAnchor, chunk, ref write, ref read, n);
                    ts = chunk.TimestampUnixMs;
                    lat = chunk.LatitudeDeg;
                    lon = chunk.LongitudeDeg;
                    accuracy = chunk.GpsAccuracyM;
                }
                else
                {
                    if (write != read)
                    {
                        Move(chunk, read, write);
                    }

                    write++;
                }

                SetAnchor(t, latitude, longitude);
                continue;
            }

            var candidates = _candidates.Count;
            if (candidates > 0 && !Plausible(
                    _candidates.TimestampUnixMs[candidates - 1], _candidates.LatitudeDeg[candidates - 1], _candidates.LongitudeDeg[candidates - 1],
                    t, latitude, longitude))
            {
                // Within reach of neither: the pending candidates were not a track; this fix may start one.
                jumps += DropHeld(_candidates, droppedTimestampsUnixMs);
            }

            _candidates.Add(chunk[read]);
            if (_candidates.Count >= (_heldAnchor.Count > 0 ? StartFixCount : _options.NewTrackFixCount))
            {
                // Enough fixes agree: they are the track now (the car was relocated, or the anchor was the outlier).
                jumps += DropHeld(_heldAnchor, droppedTimestampsUnixMs);
                SetAnchor(t, latitude, longitude);
                n = Release(_candidates, chunk, ref write, ref read, n);
                ts = chunk.TimestampUnixMs;
                lat = chunk.LatitudeDeg;
                lon = chunk.LongitudeDeg;
                accuracy = chunk.GpsAccuracyM;
            }
        }

        chunk.Truncate(write);
        if (_options.OutOfOrder == OutOfOrderHandling.Drop)
        {
            outOfOrder = lateDropped;
        }

        var report = new CleaningReport(inputCount, invalid, duplicates, outOfOrder, lateDropped, lowAccuracy, jumps);
        Total += report;
        return report;
    }

    /// <summary>Forgets the last kept sample, any pending candidate fixes and the totals, to start a new stream.</summary>
    public void Reset()
    {
        _carriedTripMark = false;
        _hasLast = false;
        _hasAnchor = false;
        _heldAnchor.Clear();
        _candidates.Clear();
        Total = default;
    }

    // A reader marks only the first record of a new trip id; when that record is dropped, the next kept one with an id
    // takes the mark, or the cut would be left to the tag, which two ids may share. (A fix dropped later as a jump
    // outlier, after it was held, does not pass its mark on.)
    private void CarryTripMark(SampleFlags flags) => _carriedTripMark |= TripTag.MarksChange(flags);

    private bool Plausible(long fromT, double fromLat, double fromLon, long t, double latitude, double longitude) =>
        GeoMath.HaversineM(fromLat, fromLon, latitude, longitude) - _options.JumpNoiseMarginM
        <= _options.MaxPlausibleSpeedMps / 1000.0 * (t - fromT);

    private void SetAnchor(long t, double latitude, double longitude)
    {
        _hasAnchor = true;
        _anchorT = t;
        _anchorLat = latitude;
        _anchorLon = longitude;
    }

    private static long DropHeld(SampleBuffer held, List<long>? droppedTimestampsUnixMs)
    {
        var count = held.Count;
        if (droppedTimestampsUnixMs is not null)
        {
            foreach (var t in held.TimestampUnixMs)
            {
                droppedTimestampsUnixMs.Add(t);
            }
        }

        held.Clear();
        return count;
    }

    // Writes held samples (the last of which is the sample at read) to the kept prefix of the chunk and forgets them.
    // Samples held over from earlier chunks need more room than the slots freed in this one: the rest of the chunk is
    // then moved up by the difference. Returns the new sample count of the chunk.
    private static int Release(SampleBuffer held, SampleBuffer chunk, ref int write, ref int read, int n)
    {
        var count = held.Count;
        var shift = write + count - 1 - read;
        if (shift > 0)
        {
            var tail = n - read - 1;
            chunk.AppendUnset(shift);
            ShiftUp(chunk.TimestampUnixMs, read + 1, tail, shift);
            ShiftUp(chunk.LatitudeDeg, read + 1, tail, shift);
            ShiftUp(chunk.LongitudeDeg, read + 1, tail, shift);
            ShiftUp(chunk.SpeedMps, read + 1, tail, shift);
            ShiftUp(chunk.HeadingDeg, read + 1, tail, shift);
            ShiftUp(chunk.LongitudinalAccelMps2, read + 1, tail, shift);
            ShiftUp(chunk.LateralAccelMps2, read + 1, tail, shift);
            ShiftUp(chunk.GpsAccuracyM, read + 1, tail, shift);
            ShiftUp(chunk.SpeedLimitMps, read + 1, tail, shift);
            ShiftUp(chunk.RoadClass, read + 1, tail, shift);
            ShiftUp(chunk.Flags, read + 1, tail, shift);
            ShiftUp(chunk.EventId, read + 1, tail, shift);
            read += shift;
            n += shift;
        }

        for (var i = 0; i < count; i++)
        {
            Write(chunk, write++, held[i]);
        }

        held.Clear();
        return n;
    }

    private static void ShiftUp<T>(Span<T> column, int start, int length, int shift) =>
        column.Slice(start, length).CopyTo(column.Slice(start + shift, length));

    private static void Write(SampleBuffer chunk, int index, in TelematicsSample sample)
    {
        chunk.TimestampUnixMs[index] = sample.TimestampUnixMs;
        chunk.LatitudeDeg[index] = sample.LatitudeDeg;
        chunk.LongitudeDeg[index] = sample.LongitudeDeg;
        chunk.SpeedMps[index] = sample.SpeedMps;
        chunk.HeadingDeg[index] = sample.HeadingDeg;
        chunk.LongitudinalAccelMps2[index] = sample.LongitudinalAccelMps2;
        chunk.LateralAccelMps2[index] = sample.LateralAccelMps2;
        chunk.GpsAccuracyM[index] = sample.GpsAccuracyM;
        chunk.SpeedLimitMps[index] = sample.SpeedLimitMps;
        chunk.RoadClass[index] = sample.RoadClass;
        chunk.Flags[index] = sample.Flags;
        chunk.EventId[index] = sample.EventId;
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
