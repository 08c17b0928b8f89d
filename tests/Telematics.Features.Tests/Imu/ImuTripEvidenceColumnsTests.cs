using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;

namespace Telematics.Features.Tests.Imu;

/// <summary>Stored evidence added back column by column: the same evidence as row by row, checked whole first.</summary>
public sealed class ImuTripEvidenceColumnsTests
{
    private static ImuTripEvidence RowByRow()
    {
        var imu = new ImuTripEvidence();
        imu.AddCoverage(1_000, 5_000);
        imu.AddCoverage(5_000, 9_000); // touches: joined
        imu.AddCoverage(20_000, 30_000);
        imu.AddManoeuvre(ManoeuvreKind.HarshBraking, 2_000, 3_000, 2_500, 4.1f, 1.2f);
        imu.AddManoeuvre(ManoeuvreKind.HarshRightTurn, 2_000, 4_000, 3_000, 4.3f, 1.1f);
        imu.AddManoeuvre(ManoeuvreKind.AggressiveLeftLaneChange, 21_000, 23_000, 22_000, 2.9f, 1.16f);
        imu.AddHandling(6_000, 8_000, 1.5f, remounted: false);
        imu.AddHandling(7_500, 8_500, 2.5f, remounted: true); // overlaps: joined
        return imu;
    }

    [Fact]
    public void Columns_give_the_same_evidence_as_rows_and_join_spans_the_same_way()
    {
        var expected = RowByRow();
        var imu = new ImuTripEvidence();

        imu.AddCoverageSpans([1_000, 5_000, 20_000], [5_000, 9_000, 30_000]);
        imu.AddManoeuvres(
            [ManoeuvreKind.HarshBraking, ManoeuvreKind.HarshRightTurn, ManoeuvreKind.AggressiveLeftLaneChange],
            [2_000, 2_000, 21_000], [3_000, 4_000, 23_000], [2_500, 3_000, 22_000], [4.1f, 4.3f, 2.9f], [1.2f, 1.1f, 1.16f]);
        imu.AddHandlingSpans([6_000, 7_500], [8_000, 8_500], [1.5f, 2.5f], [false, true]);

        Assert.Equal(expected.CoverageStartUnixMs.ToArray(), imu.CoverageStartUnixMs.ToArray());
        Assert.Equal(expected.CoverageEndUnixMs.ToArray(), imu.CoverageEndUnixMs.ToArray());
        Assert.Equal(2, imu.CoverageCount);
        Assert.Equal(expected.ManoeuvreKinds.ToArray(), imu.ManoeuvreKinds.ToArray());
        Assert.Equal(expected.ManoeuvreStartUnixMs.ToArray(), imu.ManoeuvreStartUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvreEndUnixMs.ToArray(), imu.ManoeuvreEndUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvrePeakUnixMs.ToArray(), imu.ManoeuvrePeakUnixMs.ToArray());
        Assert.Equal(expected.ManoeuvrePeakMps2.ToArray(), imu.ManoeuvrePeakMps2.ToArray());
        Assert.Equal(expected.ManoeuvreSeverity.ToArray(), imu.ManoeuvreSeverity.ToArray());
        Assert.Equal([6_000L], imu.HandlingStartUnixMs.ToArray());
        Assert.Equal([8_500L], imu.HandlingEndUnixMs.ToArray());
        Assert.Equal([2.5f], imu.HandlingPeakRotationRadS.ToArray());
        Assert.Equal([true], imu.HandlingRemounted.ToArray());
    }

    [Fact]
    public void Many_rows_grow_the_columns_once_and_keep_every_value()
    {
        const int n = 1_000;
        var starts = new long[n];
        var ends = new long[n];
        for (var i = 0; i < n; i++)
        {
            (starts[i], ends[i]) = (i * 10L, (i * 10L) + 5);
        }

        var imu = new ImuTripEvidence();
        imu.AddCoverageSpans(starts, ends);

        Assert.Equal(n, imu.CoverageCount);
        Assert.Equal(starts, imu.CoverageStartUnixMs.ToArray());
        Assert.Equal(ends, imu.CoverageEndUnixMs.ToArray());
    }

    [Fact]
    public void A_bad_value_anywhere_adds_nothing_of_its_columns()
    {
        var imu = new ImuTripEvidence();
        imu.AddCoverage(100, 200);

        Assert.Throws<ArgumentOutOfRangeException>(() => imu.AddCoverageSpans([300, 250], [400, 260])); // out of order
        Assert.Throws<ArgumentOutOfRangeException>(() => imu.AddCoverageSpans([50], [60])); // before the one held
        Assert.Throws<ArgumentException>(() => imu.AddCoverageSpans([300, 400], [350]));
        Assert.Throws<ArgumentOutOfRangeException>(() => imu.AddManoeuvres(
            [ManoeuvreKind.HarshBraking, ManoeuvreKind.HarshBraking], [10, 20], [15, 25], [12, 26], [4f, 4f], [1f, 1f])); // peak outside
        Assert.Throws<ArgumentOutOfRangeException>(() => imu.AddManoeuvres(
            [ManoeuvreKind.HarshBraking, (ManoeuvreKind)99], [10, 20], [15, 25], [12, 22], [4f, 4f], [1f, 1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => imu.AddHandlingSpans([10, 20], [15, 25], [1f, float.NaN], [false, false]));

        Assert.Equal((1, 0, 0), (imu.CoverageCount, imu.ManoeuvreCount, imu.HandlingCount));
    }
}
