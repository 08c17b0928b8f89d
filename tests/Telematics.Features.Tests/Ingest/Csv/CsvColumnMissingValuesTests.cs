using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>A column's own missing-value texts: a logger's invalid marker (iOS's -1 speed) blanks that column only.</summary>
public sealed class CsvColumnMissingValuesTests
{
    // Sensor Logger's Location.csv (iOS): -1 for an unknown speed and course.
    private const string Location = "time,seconds_elapsed,horizontalAccuracy,speed,bearing,altitude,longitude,latitude\n"
        + "1773648000000000000,0,5,-1,-1,40,13.4,52.5\n"
        + "1773648001000000000,1,5,12.5,-1,40,13.4001,52.5\n";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_documented_phone_gps_mapping_reads_minus_one_speed_and_bearing_as_missing(bool fastPath)
    {
        var mapping = CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/phone-gps.json"));

        var samples = await Read(Location, mapping, fastPath);

        Assert.Equal(2, samples.Count);
        Assert.True(float.IsNaN(samples[0].SpeedMps));
        Assert.True(float.IsNaN(samples[0].HeadingDeg));
        Assert.Equal(12.5f, samples[1].SpeedMps);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_marker_on_one_column_leaves_the_same_text_in_another_a_value(bool fastPath)
    {
        var mapping = Mapping();
        mapping.Speed!.MissingValues = ["-1"];

        var samples = await Read("timestamp,lat,lon,speed_mps,heading_deg\n1773648000000,52.5,13.4,-1,-1\n", mapping, fastPath);

        Assert.True(float.IsNaN(samples[0].SpeedMps));
        Assert.Equal(-1f, samples[0].HeadingDeg);
    }

    [Fact]
    public async Task Without_a_marker_a_negative_speed_is_still_refused()
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lat,lon,speed_mps\n1773648000000,52.5,13.4,-1\n", Mapping(), fastPath: true));

        Assert.Equal("speed_mps", error.Field);
    }

    [Fact]
    public void A_column_marker_round_trips_through_json()
    {
        var mapping = CsvColumnMapping.FromJson("""{ "speed": { "column": "speed", "missing_values": ["-1", "-1.0"] } }""");

        Assert.Equal(["-1", "-1.0"], CsvColumnMapping.FromJson(mapping.ToJson()).Speed!.MissingValues);
    }

    private static CsvColumnMapping Mapping() => new();

    private static async Task<List<TelematicsSample>> Read(string csv, CsvColumnMapping mapping, bool fastPath)
    {
        var reader = CsvSampleReader.Create(PipeInput.Text(csv), mapping, new SampleReaderOptions());
        reader.UseFastPath = fastPath;
        return await PipeInput.ReadAllAsync(reader);
    }
}
