using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;

namespace Telematics.Features.Imu;

/// <summary>
/// What phone recordings tell trip feature extraction, on the Unix clock in milliseconds, as sorted columns
/// (struct-of-arrays): the spans the motion sensors could score, the manoeuvres found in them and the spans the phone
/// was handled in. Give it to <see cref="Extraction.TripFeatureAccumulator.Imu"/> (or
/// <see cref="Pipeline.DriverFeaturePipeline.Imu"/>): inside covered spans the harsh-event counts come from these
/// manoeuvres instead of the GPS-derived accelerations, and handling spans add to the phone-handling time.
/// </summary>
/// <remarks>
/// Recordings are added in time order with <see cref="Add"/>; every column stays sorted, coverage and handling spans
/// stay disjoint. A manoeuvre belongs to the trip whose time span holds its start. Reusable: <see cref="Clear"/> keeps
/// the arrays. Not thread-safe; do not change it while a trip that reads it is being extracted.
/// </remarks>
public sealed partial class ImuTripEvidence
{
    private const long NsPerMs = 1_000_000;

    private long[] _coverStart = new long[16];
    private long[] _coverEnd = new long[16];
    private ManoeuvreKind[] _kind = new ManoeuvreKind[16];
    private long[] _start = new long[16];
    private long[] _end = new long[16];
    private long[] _peakTime = new long[16];
    private float[] _peak = new float[16];
    private float[] _severity = new float[16];
    private long[] _handlingStart = new long[16];
    private long[] _handlingEnd = new long[16];
    private float[] _handlingRotation = new float[16];
    private bool[] _remounted = new bool[16];

    /// <summary>Number of covered spans.</summary>
    public int CoverageCount { get; private set; }

    /// <summary>Number of manoeuvres.</summary>
    public int ManoeuvreCount { get; private set; }

    /// <summary>Number of handling spans.</summary>
    public int HandlingCount { get; private set; }

    /// <summary>Starts of the spans the motion sensors could score (valid readings, phone not handled, forward direction known), ms since the Unix epoch.</summary>
    public ReadOnlySpan<long> CoverageStartUnixMs => _coverStart.AsSpan(0, CoverageCount);

    /// <summary>Ends (exclusive) of the covered spans, ms since the Unix epoch.</summary>
    public ReadOnlySpan<long> CoverageEndUnixMs => _coverEnd.AsSpan(0, CoverageCount);

    /// <summary>Kind of each manoeuvre, in order of start.</summary>
    public ReadOnlySpan<ManoeuvreKind> ManoeuvreKinds => _kind.AsSpan(0, ManoeuvreCount);

    /// <summary>Start of each manoeuvre, ms since the Unix epoch (non-decreasing).</summary>
    public ReadOnlySpan<long> ManoeuvreStartUnixMs => _start.AsSpan(0, ManoeuvreCount);

    /// <summary>End of each manoeuvre, ms since the Unix epoch.</summary>
    public ReadOnlySpan<long> ManoeuvreEndUnixMs => _end.AsSpan(0, ManoeuvreCount);

    /// <summary>Time of each manoeuvre's peak, ms since the Unix epoch.</summary>
    public ReadOnlySpan<long> ManoeuvrePeakUnixMs => _peakTime.AsSpan(0, ManoeuvreCount);

    /// <summary>Peak magnitude of the acceleration that defines each manoeuvre's kind, m/s² (≥ 0).</summary>
    public ReadOnlySpan<float> ManoeuvrePeakMps2 => _peak.AsSpan(0, ManoeuvreCount);

    /// <summary>Each manoeuvre's peak over its detection threshold (see <see cref="Manoeuvre.Severity"/>).</summary>
    public ReadOnlySpan<float> ManoeuvreSeverity => _severity.AsSpan(0, ManoeuvreCount);

    /// <summary>Start of each handling span, ms since the Unix epoch (increasing).</summary>
    public ReadOnlySpan<long> HandlingStartUnixMs => _handlingStart.AsSpan(0, HandlingCount);

    /// <summary>End (exclusive) of each handling span, ms since the Unix epoch.</summary>
    public ReadOnlySpan<long> HandlingEndUnixMs => _handlingEnd.AsSpan(0, HandlingCount);

    /// <summary>Largest rotation rate of the phone relative to the vehicle in each handling span, rad/s.</summary>
    public ReadOnlySpan<float> HandlingPeakRotationRadS => _handlingRotation.AsSpan(0, HandlingCount);

    /// <summary>Whether the phone came to rest in another orientation after each handling span.</summary>
    public ReadOnlySpan<bool> HandlingRemounted => _remounted.AsSpan(0, HandlingCount);

    /// <summary>Forgets every recording, keeping the arrays.</summary>
    public void Clear() => CoverageCount = ManoeuvreCount = HandlingCount = 0;

    /// <summary>Adds one analysed recording (for example by <see cref="PhoneTripAnalyzer"/>), later than every recording added before.</summary>
    /// <param name="motion">The recording's vehicle motion: its scored bins make the covered spans.</param>
    /// <param name="manoeuvres">Its manoeuvres, in order of start.</param>
    /// <param name="handling">Its handling spans, in order of start.</param>
    /// <param name="unixOffsetNs">
    /// Nanoseconds added to the recording's clock to get Unix time: 0 when its times are Unix epoch times
    /// (<see cref="ImuRecording.IsEpochTime"/>); the boot time in Unix nanoseconds for a monotonic clock.
    /// </param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The recording starts before the end of one added earlier, or a list is not in order of start; nothing is added then.
    /// </exception>
    public void Add(VehicleMotion motion, IReadOnlyList<Manoeuvre> manoeuvres, IReadOnlyList<PhoneHandling> handling, long unixOffsetNs)
    {
        ArgumentNullException.ThrowIfNull(motion);
        ArgumentNullException.ThrowIfNull(manoeuvres);
        ArgumentNullException.ThrowIfNull(handling);
        var firstMs = ToUnixMs(motion.StartNs, unixOffsetNs);
        var lastEnd = Math.Max(CoverageCount > 0 ? _coverEnd[CoverageCount - 1] : long.MinValue, HandlingCount > 0 ? _handlingEnd[HandlingCount - 1] : long.MinValue);
        if (motion.Count > 0 && firstMs < lastEnd)
        {
            throw new ArgumentException("Recordings must be added in time order without overlap: this one starts before the end of one added earlier.", nameof(motion));
        }

        if (motion.Count > 0 && ManoeuvreCount > 0 && firstMs < _start[ManoeuvreCount - 1])
        {
            throw new ArgumentException("Recordings must be added in time order: this one starts before a manoeuvre added earlier.", nameof(motion));
        }

        for (var i = 1; i < manoeuvres.Count; i++)
        {
            if (manoeuvres[i].StartNs < manoeuvres[i - 1].StartNs)
            {
                throw new ArgumentException($"Manoeuvre {i} starts before manoeuvre {i - 1}: give them in order of start.", nameof(manoeuvres));
            }
        }

        for (var i = 1; i < handling.Count; i++)
        {
            if (handling[i].StartNs < handling[i - 1].StartNs)
            {
                throw new ArgumentException($"Handling span {i} starts before span {i - 1}: give them in order of start.", nameof(handling));
            }
        }

        AddCoverage(motion, unixOffsetNs);
        foreach (var m in manoeuvres)
        {
            AddManoeuvre(m, unixOffsetNs);
        }

        foreach (var h in handling)
        {
            AddHandling(h, unixOffsetNs);
        }
    }

    /// <summary>
    /// Adds a span the motion sensors could score, for manoeuvres that come from elsewhere (a vendor's phone SDK, a
    /// stored trip); a span that touches or overlaps the previous one is joined to it.
    /// </summary>
    /// <param name="startUnixMs">Start, ms since the Unix epoch; not before the previous span's start.</param>
    /// <param name="endUnixMs">End (exclusive), ms since the Unix epoch; not before the start.</param>
    /// <exception cref="ArgumentOutOfRangeException">The span ends before it starts, or starts before the previous one.</exception>
    public void AddCoverage(long startUnixMs, long endUnixMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endUnixMs, startUnixMs);
        if (CoverageCount > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(startUnixMs, _coverStart[CoverageCount - 1]);
        }

        AppendCoverage(startUnixMs, endUnixMs);
    }

    /// <summary>Adds one manoeuvre, for manoeuvres that come from elsewhere than <see cref="PhoneTripAnalyzer"/>.</summary>
    /// <param name="kind">What it was.</param>
    /// <param name="startUnixMs">Start, ms since the Unix epoch; not before the previous manoeuvre's start.</param>
    /// <param name="endUnixMs">End, ms since the Unix epoch; not before the start.</param>
    /// <param name="peakUnixMs">Time of the peak, within [start, end].</param>
    /// <param name="peakMps2">Peak magnitude of the acceleration that defines the kind, m/s², 0 or more.</param>
    /// <param name="severity">Peak over the detection threshold, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A time is out of order or a magnitude negative or not a number.</exception>
    public void AddManoeuvre(ManoeuvreKind kind, long startUnixMs, long endUnixMs, long peakUnixMs, float peakMps2, float severity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endUnixMs, startUnixMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(peakUnixMs, startUnixMs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(peakUnixMs, endUnixMs);
        NotNegative(peakMps2, nameof(peakMps2));
        NotNegative(severity, nameof(severity));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a manoeuvre kind.");
        }

        if (ManoeuvreCount > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(startUnixMs, _start[ManoeuvreCount - 1]);
        }

        AppendManoeuvre(kind, startUnixMs, endUnixMs, peakUnixMs, peakMps2, severity);
    }

    /// <summary>Adds a span in which the phone was handled; one that overlaps the previous span is joined to it.</summary>
    /// <param name="startUnixMs">Start, ms since the Unix epoch; not before the previous span's start.</param>
    /// <param name="endUnixMs">End (exclusive), ms since the Unix epoch; not before the start.</param>
    /// <param name="peakRotationRadS">Largest rotation rate of the phone relative to the vehicle, rad/s, 0 or more.</param>
    /// <param name="remounted">The phone came to rest in another orientation afterwards.</param>
    /// <exception cref="ArgumentOutOfRangeException">A time is out of order or the rate negative or not a number.</exception>
    public void AddHandling(long startUnixMs, long endUnixMs, float peakRotationRadS, bool remounted)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endUnixMs, startUnixMs);
        NotNegative(peakRotationRadS, nameof(peakRotationRadS));
        if (HandlingCount > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(startUnixMs, _handlingStart[HandlingCount - 1]);
        }

        AppendHandling(startUnixMs, endUnixMs, peakRotationRadS, remounted);
    }

    /// <summary>Index of the first covered span that ends after <paramref name="unixMs"/>.</summary>
    internal int FirstCoverageEndingAfter(long unixMs) => FirstGreater(CoverageEndUnixMs, unixMs);

    /// <summary>Index of the first handling span that ends after <paramref name="unixMs"/>.</summary>
    internal int FirstHandlingEndingAfter(long unixMs) => FirstGreater(HandlingEndUnixMs, unixMs);

    /// <summary>Index of the first manoeuvre that starts at or after <paramref name="unixMs"/>.</summary>
    internal int FirstManoeuvreStartingFrom(long unixMs) => FirstGreater(ManoeuvreStartUnixMs, unixMs - 1);

    private static void NotNegative(float value, string name)
    {
        if (!(value >= 0) || float.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a finite number, 0 or more.");
        }
    }

    // Lower bound on a sorted column: the first index whose value is greater than the key.
    private static int FirstGreater(ReadOnlySpan<long> sorted, long key)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] > key)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    // Floor division: a time before the epoch (a test clock) still rounds down, as it does after it.
    private static long ToUnixMs(long ns, long offsetNs)
    {
        var total = ns + offsetNs;
        return total >= 0 ? total / NsPerMs : ((total + 1) / NsPerMs) - 1;
    }

    // Covered: bins that are valid and nothing else, the bins ManoeuvreDetector scores. Adjacent runs are one span.
    private void AddCoverage(VehicleMotion motion, long offsetNs)
    {
        var flags = motion.Flags;
        var i = 0;
        while (i < flags.Length)
        {
            if (flags[i] != MotionFlags.Valid)
            {
                i++;
                continue;
            }

            var stop = i + 1;
            while (stop < flags.Length && flags[stop] == MotionFlags.Valid)
            {
                stop++;
            }

            AppendCoverage(ToUnixMs(motion.TimeNs(i), offsetNs), ToUnixMs(motion.TimeNs(stop), offsetNs));
            i = stop;
        }
    }

    private void AppendCoverage(long start, long end)
    {
        if (CoverageCount > 0 && _coverEnd[CoverageCount - 1] >= start)
        {
            _coverEnd[CoverageCount - 1] = Math.Max(end, _coverEnd[CoverageCount - 1]);
            return;
        }

        if (CoverageCount == _coverStart.Length)
        {
            Array.Resize(ref _coverStart, CoverageCount * 2);
            Array.Resize(ref _coverEnd, CoverageCount * 2);
        }

        _coverStart[CoverageCount] = start;
        _coverEnd[CoverageCount] = end;
        CoverageCount++;
    }

    private void AddManoeuvre(Manoeuvre m, long offsetNs) =>
        AppendManoeuvre(m.Kind, ToUnixMs(m.StartNs, offsetNs), ToUnixMs(m.EndNs, offsetNs), ToUnixMs(m.PeakNs, offsetNs), m.PeakMps2, m.Severity);

    private void AppendManoeuvre(ManoeuvreKind kind, long start, long end, long peakTime, float peak, float severity)
    {
        if (ManoeuvreCount == _start.Length)
        {
            var size = ManoeuvreCount * 2;
            Array.Resize(ref _kind, size);
            Array.Resize(ref _start, size);
            Array.Resize(ref _end, size);
            Array.Resize(ref _peakTime, size);
            Array.Resize(ref _peak, size);
            Array.Resize(ref _severity, size);
        }

        var k = ManoeuvreCount++;
        _kind[k] = kind;
        _start[k] = start;
        _end[k] = end;
        _peakTime[k] = peakTime;
        _peak[k] = peak;
        _severity[k] = severity;
    }

    private void AddHandling(PhoneHandling h, long offsetNs) =>
        AppendHandling(ToUnixMs(h.StartNs, offsetNs), ToUnixMs(h.EndNs, offsetNs), h.PeakRotationRadS, h.Remounted);

    // Overlapping spans are joined, so that handling time is never counted twice.
    private void AppendHandling(long start, long end, float rotation, bool remounted)
    {
        if (HandlingCount > 0 && _handlingEnd[HandlingCount - 1] >= start)
        {
            var last = HandlingCount - 1;
            _handlingEnd[last] = Math.Max(end, _handlingEnd[last]);
            _handlingRotation[last] = Math.Max(rotation, _handlingRotation[last]);
            _remounted[last] |= remounted;
            return;
        }

        if (HandlingCount == _handlingStart.Length)
        {
            var size = HandlingCount * 2;
            Array.Resize(ref _handlingStart, size);
            Array.Resize(ref _handlingEnd, size);
            Array.Resize(ref _handlingRotation, size);
            Array.Resize(ref _remounted, size);
        }

        _handlingStart[HandlingCount] = start;
        _handlingEnd[HandlingCount] = end;
        _handlingRotation[HandlingCount] = rotation;
        _remounted[HandlingCount] = remounted;
        HandlingCount++;
    }
}
