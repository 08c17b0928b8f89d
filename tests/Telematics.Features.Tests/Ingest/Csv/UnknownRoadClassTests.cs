using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// A road class the mapping does not know, or R's NA in a limit or phone column, must not cost a record its position:
/// whole highway stretches of other NDS-BR drivers would vanish (distance lost, trips split at the gap).
/// </summary>
public sealed class UnknownRoadClassTests
{
    [Fact]
    public async Task Ndsbr_mapping_reads_the_study_highway_classes_as_trunk_and_NA_as_missing()
    {
        var csv = NdsbrShapedRows.Header + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "14:00:00", lat: -25.5, lon: -49.3, roadClass: "RODOVIA FEDERAL SIMPLES") + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "14:00:01", roadClass: "RODOVIA ESTADUAL DUPLICADA", limit: "NA", phone: "NA") + "\n";

        var (samples, report) = await ReadAsync(csv, Ndsbr());

        Assert.Equal(0, report.RejectedCount);
        Assert.Empty(report.Warnings);
        Assert.Equal(2, samples.Count);
        Assert.Equal(-25.5, samples[0].LatitudeDeg);
        Assert.Equal(-49.3, samples[0].LongitudeDeg);
        Assert.Equal(RoadClass.Trunk, samples[0].RoadClass);
        Assert.Equal(40 / 3.6f, samples[0].SpeedLimitMps, 1e-4f);
        Assert.Equal(RoadClass.Trunk, samples[1].RoadClass);
        Assert.True(float.IsNaN(samples[1].SpeedLimitMps));
        // NA phone: not recorded; the row's TRIP (5) is read by the mapping's trip_id.
        Assert.Equal(SampleFlags.PhoneUnknown | TripTag.FromId(5), samples[1].Flags);
    }

    [Fact]
    public async Task An_unknown_class_reads_as_unknown_road_and_is_warned_once_per_distinct_text()
    {
        var mapping = ClassMapping();
        mapping.Speed = null;
        var csv = "t,lat,lon,class\n"
            + "1566857847000,1,2,NORMAL\n"
            + "1566857848000,1,3,TRILHA\n"
            + "1566857849000,1,4,TRILHA\n"
            + "1566857850000,1,5,\"ESTRADA, TERRA\"\n"
            + "1566857851000,1,6,TRILHA\n";

        var (samples, report) = await ReadAsync(csv, mapping);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(5, samples.Count);
        Assert.Equal([RoadClass.Residential, RoadClass.Unknown, RoadClass.Unknown, RoadClass.Unknown, RoadClass.Unknown], samples.Select(s => s.RoadClass));
        Assert.Equal(3.0, samples[1].LongitudeDeg);
        Assert.Equal(4, report.WarningCount);
        Assert.Equal(
            [
                new IngestWarning(3, "class", "TRILHA", "not a road class the mapping knows; read as unknown road", 3),
                new IngestWarning(5, "class", "ESTRADA, TERRA", "not a road class the mapping knows; read as unknown road", 1),
            ],
            report.Warnings);
    }

    [Fact]
    public async Task A_record_refused_after_parsing_is_listed_as_bad_and_not_also_as_a_warning()
    {
        var mapping = ClassMapping();

        // An implausible speed is refused by the plausibility check after the record parsed, with its unknown class.
        var (samples, report) = await ReadAsync("t,lat,lon,speed_mps,class\n1566857847000,1,2,500,TRILHA\n1566857848000,1,3,10,NORMAL\n", mapping);

        Assert.Single(samples);
        Assert.Equal(1, report.RejectedCount);
        Assert.Equal(0, report.WarningCount);
        Assert.Empty(report.Warnings);
    }

    // Time, position, speed and a road class column knowing one value: NORMAL.
    private static CsvColumnMapping ClassMapping() => new()
    {
        Timestamp = new CsvTimestampMapping { Column = "t", Format = TimestampFormat.UnixMilliseconds },
        Latitude = "lat",
        Longitude = "lon",
        SpeedLimit = null,
        Heading = null,
        GpsAccuracy = null,
        LongitudinalAcceleration = null,
        LateralAcceleration = null,
        PhoneHandheld = null,
        PhoneInteraction = null,
        EventId = null,
        RoadClass = new CsvRoadClassColumn("class") { Values = { ["NORMAL"] = RoadClass.Residential } },
    };
}
