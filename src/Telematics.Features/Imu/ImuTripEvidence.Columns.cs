using Telematics.Features.Imu.Manoeuvres;

namespace Telematics.Features.Imu;

// Stored evidence added back column by column (a store's read of a driver's spans), checked whole before any is added.
public sealed partial class ImuTripEvidence
{
    /// <summary>
    /// Adds covered spans read back from a store, as columns in order of start; spans that touch or overlap are joined as
    /// <see cref="AddCoverage(long, long)"/> joins them. Every span is checked before any is added, and the arrays grow
    /// at most once, so adding a stored period costs no allocation per span.
    /// </summary>
    /// <param name="startUnixMs">Starts, ms since the Unix epoch, non-decreasing and not before the last span added.</param>
    /// <param name="endUnixMs">Ends (exclusive), as many as starts, each not before its start.</param>
    /// <exception cref="ArgumentException">The columns differ in length, a span ends before it starts or starts out of order; nothing is added.</exception>
    public void AddCoverageSpans(ReadOnlySpan<long> startUnixMs, ReadOnlySpan<long> endUnixMs)
    {
        SameLength(startUnixMs.Length, endUnixMs.Length, nameof(endUnixMs));
        CheckSpans(startUnixMs, endUnixMs, CoverageCount > 0 ? _coverStart[CoverageCount - 1] : long.MinValue, nameof(startUnixMs));
        Grow(ref _coverStart, CoverageCount + startUnixMs.Length);
        Grow(ref _coverEnd, CoverageCount + startUnixMs.Length);
        for (var i = 0; i < startUnixMs.Length; i++)
        {
            AppendCoverage(startUnixMs[i], endUnixMs[i]);
        }
    }

    /// <summary>
    /// Adds manoeuvres read back from a store, as columns in order of start, each checked as
    /// <see cref="AddManoeuvre(ManoeuvreKind, long, long, long, float, float)"/> checks it; all are checked before any is added, and the arrays grow at most once.
    /// </summary>
    /// <param name="kinds">Kind of each manoeuvre.</param>
    /// <param name="startUnixMs">Starts, ms since the Unix epoch, non-decreasing and not before the last manoeuvre added.</param>
    /// <param name="endUnixMs">Ends, each not before its start.</param>
    /// <param name="peakUnixMs">Times of the peaks, each within its [start, end].</param>
    /// <param name="peakMps2">Peak magnitudes, m/s², finite and 0 or more.</param>
    /// <param name="severity">Peaks over the detection threshold, finite and 0 or more.</param>
    /// <exception cref="ArgumentException">The columns differ in length, or a value is out of order, out of range or not a kind; nothing is added.</exception>
    public void AddManoeuvres(
        ReadOnlySpan<ManoeuvreKind> kinds, ReadOnlySpan<long> startUnixMs, ReadOnlySpan<long> endUnixMs, ReadOnlySpan<long> peakUnixMs,
        ReadOnlySpan<float> peakMps2, ReadOnlySpan<float> severity)
    {
        var n = kinds.Length;
        SameLength(n, startUnixMs.Length, nameof(startUnixMs));
        SameLength(n, endUnixMs.Length, nameof(endUnixMs));
        SameLength(n, peakUnixMs.Length, nameof(peakUnixMs));
        SameLength(n, peakMps2.Length, nameof(peakMps2));
        SameLength(n, severity.Length, nameof(severity));
        CheckSpans(startUnixMs, endUnixMs, ManoeuvreCount > 0 ? _start[ManoeuvreCount - 1] : long.MinValue, nameof(startUnixMs));
        for (var i = 0; i < n; i++)
        {
            if (peakUnixMs[i] < startUnixMs[i] || peakUnixMs[i] > endUnixMs[i])
            {
                throw new ArgumentOutOfRangeException(nameof(peakUnixMs), peakUnixMs[i], $"Manoeuvre {i}'s peak is outside its span.");
            }

            NotNegative(peakMps2[i], nameof(peakMps2));
            NotNegative(severity[i], nameof(severity));
            if (!Enum.IsDefined(kinds[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(kinds), kinds[i], $"Manoeuvre {i}'s kind is not a manoeuvre kind.");
            }
        }

        var size = ManoeuvreCount + n;
        Grow(ref _kind, size);
        Grow(ref _start, size);
        Grow(ref _end, size);
        Grow(ref _peakTime, size);
        Grow(ref _peak, size);
        Grow(ref _severity, size);
        for (var i = 0; i < n; i++)
        {
            AppendManoeuvre(kinds[i], startUnixMs[i], endUnixMs[i], peakUnixMs[i], peakMps2[i], severity[i]);
        }
    }

    /// <summary>
    /// Adds handling spans read back from a store, as columns in order of start; overlapping spans are joined as
    /// <see cref="AddHandling(long, long, float, bool)"/> joins them. All are checked before any is added, and the arrays grow at most once.
    /// </summary>
    /// <param name="startUnixMs">Starts, ms since the Unix epoch, non-decreasing and not before the last span added.</param>
    /// <param name="endUnixMs">Ends (exclusive), each not before its start.</param>
    /// <param name="peakRotationRadS">Largest rotation rate of each span, rad/s, finite and 0 or more.</param>
    /// <param name="remounted">Whether the phone came to rest in another orientation after each span.</param>
    /// <exception cref="ArgumentException">The columns differ in length, or a value is out of order or out of range; nothing is added.</exception>
    public void AddHandlingSpans(ReadOnlySpan<long> startUnixMs, ReadOnlySpan<long> endUnixMs, ReadOnlySpan<float> peakRotationRadS, ReadOnlySpan<bool> remounted)
    {
        var n = startUnixMs.Length;
        SameLength(n, endUnixMs.Length, nameof(endUnixMs));
        SameLength(n, peakRotationRadS.Length, nameof(peakRotationRadS));
        SameLength(n, remounted.Length, nameof(remounted));
        CheckSpans(startUnixMs, endUnixMs, HandlingCount > 0 ? _handlingStart[HandlingCount - 1] : long.MinValue, nameof(startUnixMs));
        foreach (var rate in peakRotationRadS)
        {
            NotNegative(rate, nameof(peakRotationRadS));
        }

        var size = HandlingCount + n;
        Grow(ref _handlingStart, size);
        Grow(ref _handlingEnd, size);
        Grow(ref _handlingRotation, size);
        Grow(ref _remounted, size);
        for (var i = 0; i < n; i++)
        {
            AppendHandling(startUnixMs[i], endUnixMs[i], peakRotationRadS[i], remounted[i]);
        }
    }

    private static void SameLength(int expected, int actual, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Every column needs the same length: {expected} values expected, {actual} given.", name);
        }
    }

    // Starts non-decreasing from the last one held; each end not before its start.
    private static void CheckSpans(ReadOnlySpan<long> starts, ReadOnlySpan<long> ends, long previousStart, string name)
    {
        for (var i = 0; i < starts.Length; i++)
        {
            if (starts[i] < previousStart)
            {
                throw new ArgumentOutOfRangeException(name, starts[i], $"Span {i} starts before the one before it: give the columns in order of start.");
            }

            if (ends[i] < starts[i])
            {
                throw new ArgumentOutOfRangeException(name, ends[i], $"Span {i} ends before it starts.");
            }

            previousStart = starts[i];
        }
    }

    // One resize to at least the size needed (doubling, so repeated adds stay amortised).
    private static void Grow<T>(ref T[] column, int size)
    {
        if (size > column.Length)
        {
            Array.Resize(ref column, Math.Max(size, column.Length * 2));
        }
    }
}
