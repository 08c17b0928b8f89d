using Telematics.Features.Schema;

namespace Telematics.Features.Statistics;

/// <summary>
/// The additive sums behind every feature of the <c>telematics</c> schema: a trip's features and a driver's
/// features are both computed from these totals, and totals of disjoint trips add up, which is what makes
/// aggregation mergeable and equal to the features of the trips together.
/// </summary>
/// <remarks>Times are integer milliseconds and histogram weights are milliseconds, so they add exactly.</remarks>
internal sealed class FeatureTotals
{
    public const int RoadClassCount = 8;
    public const int SpeedBins = 251;
    public const int JerkBins = 401;
    public const int LateralBins = 301;
    private const double StandardGravity = 9.80665;

    public long TripCount;
    public double DistanceM;
    public long DurationMs;
    public double NightM;
    public double LateNightM;
    public double RushHourM;
    public double WeekendM;
    public long MovingMs;
    public double MovingSpeedMpsMs;
    public long LimitKnownMs;
    public long SpeedingMs;
    public long SevereSpeedingMs;
    public long NoLimitMs;
    public long VeryHighSpeedMs;
    public long HarshBrakingCount;
    public long RapidAccelerationCount;
    public long HarshCorneringCount;
    public double AbsJerkSum;
    public long JerkMs;
    public long PhoneMs;
    public long PhoneMovingMs;

    // Time, and moving time, whose source recorded no phone use (SampleFlags.PhoneUnknown): left out of the phone features.
    public long PhoneUnknownMs;
    public long PhoneUnknownMovingMs;
    public readonly double[] RoadClassM = new double[RoadClassCount];
    public double HighRiskWeightedM;
    public long GapMs;
    public long RecordCount;
    public long DroppedRecordCount;

    // 1 km/h bins to 250 km/h: p95 speed within 0.5 km/h.
    public readonly FixedBinHistogram SpeedKmh = new(1.0, SpeedBins);

    // 0.05 m/s³ bins to 20 m/s³: p95 |jerk| within 0.025 m/s³.
    public readonly FixedBinHistogram AbsJerkMps3 = new(0.05, JerkBins);

    // 0.005 g bins to 1.5 g: p95 lateral g within 0.0025 g.
    public readonly FixedBinHistogram AbsLateralG = new(0.005, LateralBins);

    public static double GravityMps2 => StandardGravity;

    public void Clear()
    {
        TripCount = 0;
        DistanceM = 0;
        DurationMs = 0;
        NightM = LateNightM = RushHourM = WeekendM = 0;
        MovingMs = 0;
        MovingSpeedMpsMs = 0;
        LimitKnownMs = SpeedingMs = SevereSpeedingMs = NoLimitMs = VeryHighSpeedMs = 0;
        HarshBrakingCount = RapidAccelerationCount = HarshCorneringCount = 0;
        AbsJerkSum = 0;
        JerkMs = PhoneMs = PhoneMovingMs = 0;
        PhoneUnknownMs = PhoneUnknownMovingMs = 0;
        Array.Clear(RoadClassM);
        HighRiskWeightedM = 0;
        GapMs = RecordCount = DroppedRecordCount = 0;
        SpeedKmh.Clear();
        AbsJerkMps3.Clear();
        AbsLateralG.Clear();
    }

    public void CopyFrom(FeatureTotals source)
    {
        CopyScalars(source, this);
        SpeedKmh.CopyFrom(source.SpeedKmh);
        AbsJerkMps3.CopyFrom(source.AbsJerkMps3);
        AbsLateralG.CopyFrom(source.AbsLateralG);
    }

    public void Add(FeatureTotals other)
    {
        TripCount += other.TripCount;
        DistanceM += other.DistanceM;
        DurationMs += other.DurationMs;
        NightM += other.NightM;
        LateNightM += other.LateNightM;
        RushHourM += other.RushHourM;
        WeekendM += other.WeekendM;
        MovingMs += other.MovingMs;
        MovingSpeedMpsMs += other.MovingSpeedMpsMs;
        LimitKnownMs += other.LimitKnownMs;
        SpeedingMs += other.SpeedingMs;
        SevereSpeedingMs += other.SevereSpeedingMs;
        NoLimitMs += other.NoLimitMs;
        VeryHighSpeedMs += other.VeryHighSpeedMs;
        HarshBrakingCount += other.HarshBrakingCount;
        RapidAccelerationCount += other.RapidAccelerationCount;
        HarshCorneringCount += other.HarshCorneringCount;
        AbsJerkSum += other.AbsJerkSum;
        JerkMs += other.JerkMs;
        PhoneMs += other.PhoneMs;
        PhoneMovingMs += other.PhoneMovingMs;
        PhoneUnknownMs += other.PhoneUnknownMs;
        PhoneUnknownMovingMs += other.PhoneUnknownMovingMs;
        for (var i = 0; i < RoadClassCount; i++)
        {
            RoadClassM[i] += other.RoadClassM[i];
        }

        HighRiskWeightedM += other.HighRiskWeightedM;
        GapMs += other.GapMs;
        RecordCount += other.RecordCount;
        DroppedRecordCount += other.DroppedRecordCount;
        SpeedKmh.AddFrom(other.SpeedKmh);
        AbsJerkMps3.AddFrom(other.AbsJerkMps3);
        AbsLateralG.AddFrom(other.AbsLateralG);
    }

    /// <summary>Writes the 29 features of <see cref="TelematicsFeatures.Schema"/>, in order.</summary>
    public void WriteFeatures(Span<float> destination)
    {
        if (destination.Length < TelematicsFeatures.Schema.Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the {TelematicsFeatures.SchemaName} schema has {TelematicsFeatures.Schema.Count}.", nameof(destination));
        }

        var km = DistanceM / 1000.0;
        var hours = DurationMs / 3_600_000.0;

        // Speed, behaviour and phone use are measured only outside GPS gaps. With no time outside them (a tracker with a
        // fix every 15 s: every interval is a gap) none was measured, which is missing, not "never speeds, brakes or
        // touches the phone" (0), which a model would reward. Any time outside gaps leaves every figure as it was.
        var measured = DurationMs > GapMs;
        destination[0] = (float)km;
        destination[1] = (float)hours;
        destination[2] = TripCount;
        destination[3] = (float)Ratio(km, TripCount);
        destination[4] = (float)Ratio(NightM, DistanceM);
        destination[5] = (float)Ratio(LateNightM, DistanceM);
        destination[6] = (float)Ratio(RushHourM, DistanceM);
        destination[7] = (float)Ratio(WeekendM, DistanceM);
        destination[8] = measured ? (float)(Ratio(MovingSpeedMpsMs, MovingMs) * 3.6) : float.NaN;
        destination[9] = measured ? (float)SpeedKmh.Quantile(0.95) : float.NaN;
        // Shares of time with a known limit: none known (a device or map without posted limits) is missing, not "never
        // speeds", which a model would reward.
        destination[10] = LimitKnownMs > 0 ? (float)((double)SpeedingMs / LimitKnownMs) : float.NaN;
        destination[11] = LimitKnownMs > 0 ? (float)((double)SevereSpeedingMs / LimitKnownMs) : float.NaN;
        destination[12] = measured ? (float)Ratio(VeryHighSpeedMs, NoLimitMs) : float.NaN;
        destination[13] = measured ? (float)Ratio(HarshBrakingCount * 100.0, km) : float.NaN;
        destination[14] = measured ? (float)Ratio(RapidAccelerationCount * 100.0, km) : float.NaN;
        destination[15] = measured ? (float)Ratio(HarshCorneringCount * 100.0, km) : float.NaN;
        // AbsJerkSum is Σ|Δa| = Σ |jerk|·Δt, so dividing by time gives the time-weighted mean.
        destination[16] = measured ? (float)Ratio(AbsJerkSum * 1000.0, JerkMs) : float.NaN;
        destination[17] = measured ? (float)AbsJerkMps3.Quantile(0.95) : float.NaN;
        destination[18] = measured ? (float)AbsLateralG.Quantile(0.95) : float.NaN;
        if (measured)
        {
            WritePhoneFeatures(destination);
        }
        else
        {
            destination[19] = destination[20] = float.NaN;
        }

        destination[21] = (float)Ratio(RoadClassM[1], DistanceM);
        destination[22] = (float)Ratio(RoadClassM[2] + RoadClassM[3], DistanceM);
        destination[23] = (float)Ratio(RoadClassM[4] + RoadClassM[5], DistanceM);
        destination[24] = (float)Ratio(RoadClassM[6] + RoadClassM[7], DistanceM);
        destination[25] = (float)Ratio(RoadClassM[0], DistanceM);
        destination[26] = (float)Ratio(HighRiskWeightedM, DistanceM);
        destination[27] = (float)Ratio(GapMs, DurationMs);
        destination[28] = (float)Ratio(DroppedRecordCount, RecordCount + DroppedRecordCount);
    }

    private static double Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : 0;

    // Phone use over the time whose source recorded it. None recorded (a black box, a file without the phone columns) is
    // missing, not "never touches the phone", which a model would reward; data that records it everywhere reads as before.
    private void WritePhoneFeatures(Span<float> destination)
    {
        if (PhoneUnknownMs == 0)
        {
            destination[19] = (float)Ratio(PhoneMs * 60.0, DurationMs);
            destination[20] = (float)Ratio(PhoneMovingMs, MovingMs);
            return;
        }

        var recorded = PhoneMs > 0 || PhoneUnknownMs < DurationMs - GapMs;
        destination[19] = recorded ? (float)Ratio(PhoneMs * 60.0, DurationMs - PhoneUnknownMs) : float.NaN;
        destination[20] = !recorded ? float.NaN
            : PhoneUnknownMovingMs == 0 ? (float)Ratio(PhoneMovingMs, MovingMs)
            : PhoneMovingMs > 0 || PhoneUnknownMovingMs < MovingMs ? (float)Ratio(PhoneMovingMs, MovingMs - PhoneUnknownMovingMs)
            : float.NaN;
    }

    private static void CopyScalars(FeatureTotals from, FeatureTotals to)
    {
        to.TripCount = from.TripCount;
        to.DistanceM = from.DistanceM;
        to.DurationMs = from.DurationMs;
        to.NightM = from.NightM;
        to.LateNightM = from.LateNightM;
        to.RushHourM = from.RushHourM;
        to.WeekendM = from.WeekendM;
        to.MovingMs = from.MovingMs;
        to.MovingSpeedMpsMs = from.MovingSpeedMpsMs;
        to.LimitKnownMs = from.LimitKnownMs;
        to.SpeedingMs = from.SpeedingMs;
        to.SevereSpeedingMs = from.SevereSpeedingMs;
        to.NoLimitMs = from.NoLimitMs;
        to.VeryHighSpeedMs = from.VeryHighSpeedMs;
        to.HarshBrakingCount = from.HarshBrakingCount;
        to.RapidAccelerationCount = from.RapidAccelerationCount;
        to.HarshCorneringCount = from.HarshCorneringCount;
        to.AbsJerkSum = from.AbsJerkSum;
        to.JerkMs = from.JerkMs;
        to.PhoneMs = from.PhoneMs;
        to.PhoneMovingMs = from.PhoneMovingMs;
        to.PhoneUnknownMs = from.PhoneUnknownMs;
        to.PhoneUnknownMovingMs = from.PhoneUnknownMovingMs;
        from.RoadClassM.AsSpan().CopyTo(to.RoadClassM);
        to.HighRiskWeightedM = from.HighRiskWeightedM;
        to.GapMs = from.GapMs;
        to.RecordCount = from.RecordCount;
        to.DroppedRecordCount = from.DroppedRecordCount;
    }
}
