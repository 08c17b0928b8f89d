using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Telematics.Features.Areas;
using Telematics.Features.Geo;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Features.Statistics;
using Telematics.Features.Time;

namespace Telematics.Features.Extraction;

/// <summary>
/// Computes the <see cref="TelematicsFeatures"/> vector of one trip from its samples, fed in chunks or all at
/// once; the hot path allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Samples must be cleaned, derived and in time order. Sample <c>i</c> describes the interval from sample
/// <c>i − 1</c> to it: its distance, duration, speed, acceleration, road class and flags are attributed to that
/// interval, and its local time window to the interval's distance. The accumulator keeps the previous sample
/// and every running sum between calls, and adds in the same order whatever the chunking, so any chunking of
/// the same samples gives bit-identical features.
/// </para>
/// <para>
/// Create one accumulator per thread and reuse it with <see cref="Reset"/> (or <see cref="Extract"/>), which
/// allocates nothing. Quantiles come from fixed-bin histograms: p95 speed within 0.5 km/h, p95 |jerk| within
/// 0.025 m/s³, p95 lateral g within 0.0025 g. Not thread-safe.
/// </para>
/// </remarks>
public sealed partial class TripFeatureAccumulator
{
    private const float KmhPerMps = 3.6f;

    private readonly LocalTimeCache _clock;
    private readonly HighRiskAreaMap? _areas;
    private readonly float _movingSpeedMps;
    private readonly long _gapMs;
    private readonly float _brakeMps2;
    private readonly float _accelerateMps2;
    private readonly float _cornerMps2;
    private readonly long _minEventMs;
    private readonly long _mergeMs;
    private readonly float _switchLimitMps;
    private readonly float _toleranceLowMps;
    private readonly float _toleranceHighMps;
    private readonly float _severeMarginMps;
    private readonly float _veryHighMps;

    private readonly FeatureTotals _totals = new();
    private readonly FeatureTotals _view = new();

    private bool _hasPrevious;
    private long _prevT;
    private double _prevLat;
    private double _prevLon;
    private float _prevLongitudinal;
    private LocalProjection _projection;
    private long _slotStart;
    private long _slotEnd;
    private TimeOfDayFlags _slotFlags;
    private double _slotDistanceM;
    private int _runClass;
    private double _runDistanceM;
    private EventDetector _braking;
    private EventDetector _accelerating;
    private EventDetector _cornering;

    /// <summary>Creates an accumulator for a driver in <paramref name="zone"/>.</summary>
    /// <param name="zone">The driver's IANA time zone, for the time-of-day shares.</param>
    /// <param name="options">Thresholds; <see cref="FeatureExtractionOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="zone"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TripFeatureAccumulator(TimeZoneInfo zone, FeatureExtractionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        options ??= FeatureExtractionOptions.Default;
        options.Validate();
        _clock = new LocalTimeCache(zone);
        _areas = options.HighRiskAreas;
        _movingSpeedMps = options.MovingSpeedMps;
        _gapMs = (long)(options.GpsGapS * 1000.0);
        _brakeMps2 = options.HarshBrakingMps2;
        _accelerateMps2 = options.RapidAccelerationMps2;
        _cornerMps2 = options.HarshCorneringMps2;
        _minEventMs = (long)(options.MinEventDurationS * 1000.0);
        _mergeMs = (long)(options.EventMergeGapS * 1000.0);
        _switchLimitMps = options.ToleranceSwitchLimitKmh / KmhPerMps;
        _toleranceLowMps = options.SpeedingToleranceLowKmh / KmhPerMps;
        _toleranceHighMps = options.SpeedingToleranceHighKmh / KmhPerMps;
        _severeMarginMps = options.SevereSpeedingMarginKmh / KmhPerMps;
        _veryHighMps = options.VeryHighSpeedKmh / KmhPerMps;
        Reset();
    }

    /// <summary>Number of samples added since the last reset.</summary>
    public long SampleCount => _totals.RecordCount;

    /// <summary>Starts a new trip: forgets every sample and sum; allocates nothing.</summary>
    public void Reset()
    {
        _totals.Clear();
        _totals.TripCount = 1;
        _hasPrevious = false;
        _projection = default;
        _slotStart = long.MaxValue;
        _slotEnd = long.MinValue;
        _slotFlags = TimeOfDayFlags.None;
        _slotDistanceM = 0;
        _runClass = 0;
        _runDistanceM = 0;
        _braking = EventDetector.Create();
        _accelerating = EventDetector.Create();
        _cornering = EventDetector.Create();
        ResetImu();
    }

    /// <summary>Counts records that cleaning dropped from this trip, for <see cref="TelematicsFeatures.DroppedRecordShare"/>.</summary>
    /// <param name="count">Number of dropped records, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void AddDroppedRecords(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _totals.DroppedRecordCount += count;
    }

    /// <summary>Computes the features of a whole trip: <see cref="Reset"/>, <see cref="Add"/>, <see cref="WriteFeatures"/>.</summary>
    /// <param name="trip">The trip's samples.</param>
    /// <param name="destination">Receives the features in <see cref="TelematicsFeatures.Schema"/> order; at least 29 long.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void Extract(SampleSpan trip, Span<float> destination)
    {
        Reset();
        Add(trip);
        WriteFeatures(destination);
    }

    /// <summary>Adds the next chunk of the trip's samples.</summary>
    /// <param name="chunk">Samples following those already added, in increasing time order.</param>
    public void Add(SampleSpan chunk)
    {
        var ts = chunk.TimestampUnixMs;
        if (ts.IsEmpty)
        {
            return;
        }

        var lats = chunk.LatitudeDeg;
        var lons = chunk.LongitudeDeg;
        var speeds = chunk.SpeedMps;
        var longitudinals = chunk.LongitudinalAccelMps2;
        var laterals = chunk.LateralAccelMps2;
        var limits = chunk.SpeedLimitMps;
        var roads = chunk.RoadClass;
        var flags = chunk.Flags;
        var n = ts.Length;
        if (lats.Length != n || lons.Length != n || speeds.Length != n || longitudinals.Length != n ||
            laterals.Length != n || limits.Length != n || roads.Length != n || flags.Length != n)
        {
            throw new ArgumentException("Every column of the chunk must have the same length.", nameof(chunk));
        }

        var totals = _totals;
        totals.RecordCount += n;
        var start = 0;
        if (!_hasPrevious)
        {
            _hasPrevious = true;
            _prevT = ts[0];
            _prevLat = lats[0];
            _prevLon = lons[0];
            _prevLongitudinal = longitudinals[0];
            _runClass = (int)roads[0] & 7;
            start = 1;
        }

        if (!_imuPositioned && _imu is not null)
        {
            PositionImu(ts[0]);
        }

        // Everything the loop reads is copied to locals (the JIT cannot hoist field loads past the histogram
        // stores), and columns are read through refs after the length check above, without bounds checks.
        ref var tRef = ref MemoryMarshal.GetReference(ts);
        ref var latRef = ref MemoryMarshal.GetReference(lats);
        ref var lonRef = ref MemoryMarshal.GetReference(lons);
        ref var speedRef = ref MemoryMarshal.GetReference(speeds);
        ref var longitudinalRef = ref MemoryMarshal.GetReference(longitudinals);
        ref var lateralRef = ref MemoryMarshal.GetReference(laterals);
        ref var limitRef = ref MemoryMarshal.GetReference(limits);
        ref var roadRef = ref MemoryMarshal.GetReference(roads);
        ref var flagRef = ref MemoryMarshal.GetReference(flags);
        ref var speedBins = ref MemoryMarshal.GetReference(totals.SpeedKmh.Bins);
        ref var jerkBins = ref MemoryMarshal.GetReference(totals.AbsJerkMps3.Bins);
        ref var lateralBins = ref MemoryMarshal.GetReference(totals.AbsLateralG.Bins);
        var lastSpeedBin = (uint)totals.SpeedKmh.Bins.Length - 1;
        var lastJerkBin = (uint)totals.AbsJerkMps3.Bins.Length - 1;
        var lastLateralBin = (uint)totals.AbsLateralG.Bins.Length - 1;
        var speedBinsPerMps = (float)(3.6 / totals.SpeedKmh.BinWidth);
        var jerkBinsPerMps3 = 1.0 / totals.AbsJerkMps3.BinWidth;
        var lateralBinsPerMps2 = (float)(1.0 / (9.80665 * totals.AbsLateralG.BinWidth));
        var roadClassM = totals.RoadClassM;
        var movingSpeedMps = _movingSpeedMps;
        var gapLimitMs = _gapMs;
        var switchLimitMps = _switchLimitMps;
        var toleranceLowMps = _toleranceLowMps;
        var toleranceHighMps = _toleranceHighMps;
        var severeMarginMps = _severeMarginMps;
        var veryHighMps = _veryHighMps;
        var brakeMps2 = _brakeMps2;
        var accelerateMps2 = _accelerateMps2;
        var cornerMps2 = _cornerMps2;
        var anyEpisodeOpen = _braking.InEpisode | _accelerating.InEpisode | _cornering.InEpisode;
        var imuCoverage = _imu is { CoverageCount: > 0 };
        var nextHandlingMs = _nextHandlingStartMs;
        var projection = _projection;
        var prevT = _prevT;
        var prevLat = _prevLat;
        var prevLon = _prevLon;
        var prevLongitudinal = _prevLongitudinal;
        var slotStart = _slotStart;
        var slotEnd = _slotEnd;
        var slotDistanceM = _slotDistanceM;
        var runClass = _runClass;
        var runDistanceM = _runDistanceM;
        var distanceM = totals.DistanceM;
        var highRiskM = totals.HighRiskWeightedM;
        var movingSpeedSum = totals.MovingSpeedMpsMs;
        var absJerkSum = totals.AbsJerkSum;
        long gapMs = 0, movingMs = 0, phoneMs = 0, phoneMovingMs = 0, phoneUnknownMs = 0, phoneUnknownMovingMs = 0;
        long limitKnownMs = 0, speedingMs = 0, severeMs = 0, noLimitMs = 0, veryHighMs = 0, jerkMs = 0;
        long cachedDt = -1;
        var jerkScale = 0.0;
        var areas = _areas;
        const SampleFlags PhoneHandled = SampleFlags.PhoneHandheld | SampleFlags.PhoneInteraction;

        for (var i = start; i < n; i++)
        {
            var t = Unsafe.Add(ref tRef, i);
            var dt = t - prevT;
            var lat = Unsafe.Add(ref latRef, i);
            var lon = Unsafe.Add(ref lonRef, i);
            var d = projection.DistanceM(prevLat, prevLon, lat, lon);
            distanceM += d;

            if (t < slotStart || t >= slotEnd)
            {
                FlushSlot(totals, _slotFlags, slotDistanceM);
                slotDistanceM = 0;
                _slotFlags = _clock.ClassifySlot(t, out slotStart, out slotEnd);
            }

            slotDistanceM += d;

            var road = (int)Unsafe.Add(ref roadRef, i) & 7;
            if (road != runClass)
            {
                roadClassM[runClass] += runDistanceM;
                runDistanceM = 0;
                runClass = road;
            }

            runDistanceM += d;

            if (areas is not null)
            {
                highRiskM += d * areas.WeightAt(lat, lon);
            }

            var longitudinal = Unsafe.Add(ref longitudinalRef, i);
            var lateral = Unsafe.Add(ref lateralRef, i);
            var inGap = dt > gapLimitMs;
            if (inGap)
            {
                gapMs += dt;
            }
            else
            {
                var v = Unsafe.Add(ref speedRef, i);
                var sampleFlags = Unsafe.Add(ref flagRef, i);
                var flagged = (sampleFlags & PhoneHandled) != 0;
                var phone = flagged ? dt : 0;
                if (nextHandlingMs < t && !flagged)
                {
                    // Rare: the interval reaches a phone handling span that the phone's motion sensors found.
                    phone = HandlingOverlapMs(prevT, t);
                    nextHandlingMs = _nextHandlingStartMs;
                }

                // Time whose source records no phone use is left out of the phone shares, unless a flag or the phone's
                // own sensors say something of it.
                var phoneUnknown = (sampleFlags & SampleFlags.PhoneUnknown) != 0 && phone == 0 && !PhoneSensorsCover(prevT, t) ? dt : 0;
                phoneMs += phone;
                phoneUnknownMs += phoneUnknown;
                if (v >= movingSpeedMps)
                {
                    movingMs += dt;
                    phoneMovingMs += phone;
                    phoneUnknownMovingMs += phoneUnknown;
                    movingSpeedSum += v * (double)dt;
                    var speedBin = (uint)(int)(v * speedBinsPerMps);
                    Unsafe.Add(ref speedBins, speedBin < lastSpeedBin ? speedBin : lastSpeedBin) += dt;

                    // A limit of 0 or below is no posted limit (a logger's "unknown"), like NaN: not one every second exceeds.
                    var limit = Unsafe.Add(ref limitRef, i);
                    if (limit > 0)
                    {
                        limitKnownMs += dt;
                        var tolerance = limit <= switchLimitMps ? toleranceLowMps : toleranceHighMps;
                        speedingMs += v > limit + tolerance ? dt : 0;
                        severeMs += v > limit + severeMarginMps ? dt : 0;
                    }
                    else
                    {
                        noLimitMs += dt;
                        veryHighMs += v > veryHighMps ? dt : 0;
                    }

                    var deltaA = Math.Abs(longitudinal - prevLongitudinal);
                    if (!float.IsNaN(deltaA) && dt > 0)
                    {
                        if (dt != cachedDt)
                        {
                            // Intervals repeat (1 Hz, 10 Hz), so the division is paid once per distinct interval.
                            cachedDt = dt;
                            jerkScale = jerkBinsPerMps3 * 1000.0 / dt;
                        }

                        absJerkSum += deltaA;
                        jerkMs += dt;
                        var jerkBin = (uint)(int)(deltaA * jerkScale);
                        Unsafe.Add(ref jerkBins, jerkBin < lastJerkBin ? jerkBin : lastJerkBin) += dt;
                    }

                    if (!float.IsNaN(lateral))
                    {
                        var lateralBin = (uint)(int)(Math.Abs(lateral) * lateralBinsPerMps2);
                        Unsafe.Add(ref lateralBins, lateralBin < lastLateralBin ? lateralBin : lastLateralBin) += dt;
                    }
                }
            }

            var braking = longitudinal <= brakeMps2;
            var accelerating = longitudinal >= accelerateMps2;
            var cornering = Math.Abs(lateral) >= cornerMps2;
            if (braking | accelerating | cornering | anyEpisodeOpen)
            {
                // Rare path: an episode starts, goes on or ends. A gap interval ends every episode, and so does one
                // the phone's motion sensors cover: there their manoeuvres are counted instead.
                var scored = !inGap && !(imuCoverage && ImuCovers(prevT, t));
                _braking.Step(braking & scored, prevT, t, _minEventMs, _mergeMs);
                _accelerating.Step(accelerating & scored, prevT, t, _minEventMs, _mergeMs);
                _cornering.Step(cornering & scored, prevT, t, _minEventMs, _mergeMs);
                anyEpisodeOpen = _braking.InEpisode | _accelerating.InEpisode | _cornering.InEpisode;
            }

            prevT = t;
            prevLat = lat;
            prevLon = lon;
            prevLongitudinal = longitudinal;
        }

        totals.DurationMs += prevT - _prevT;
        if (_imu is not null)
        {
            CountImuManoeuvres(prevT);
        }

        _projection = projection;
        _prevT = prevT;
        _prevLat = prevLat;
        _prevLon = prevLon;
        _prevLongitudinal = prevLongitudinal;
        _slotStart = slotStart;
        _slotEnd = slotEnd;
        _slotDistanceM = slotDistanceM;
        _runClass = runClass;
        _runDistanceM = runDistanceM;
        totals.DistanceM = distanceM;
        totals.HighRiskWeightedM = highRiskM;
        totals.GapMs += gapMs;
        totals.MovingMs += movingMs;
        totals.PhoneMs += phoneMs;
        totals.PhoneMovingMs += phoneMovingMs;
        totals.PhoneUnknownMs += phoneUnknownMs;
        totals.PhoneUnknownMovingMs += phoneUnknownMovingMs;
        totals.LimitKnownMs += limitKnownMs;
        totals.SpeedingMs += speedingMs;
        totals.SevereSpeedingMs += severeMs;
        totals.NoLimitMs += noLimitMs;
        totals.VeryHighSpeedMs += veryHighMs;
        totals.JerkMs += jerkMs;
        totals.MovingSpeedMpsMs = movingSpeedSum;
        totals.AbsJerkSum = absJerkSum;
    }
}
