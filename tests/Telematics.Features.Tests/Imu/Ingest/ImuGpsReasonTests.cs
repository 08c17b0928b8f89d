using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

/// <summary>
/// A bad GPS field is told by line, column and what is wrong, never by its value: a coordinate is where the driver was,
/// and the reason and message reach logs and 400 bodies. The line's text stays in <see cref="TelematicsFormatException.Excerpt"/>.
/// </summary>
public sealed class ImuGpsReasonTests
{
    [Theory]
    [InlineData("52.51234x", "13.40567", "gps.csv:latitude", "the latitude is not a number in degrees")]
    [InlineData("95.51234", "13.40567", "gps.csv:latitude", "the latitude is beyond ±90 degrees")]
    [InlineData("52.51234", "north13.40567", "gps.csv:longitude", "the longitude is not a number in degrees")]
    [InlineData("52.51234", "-181.40567", "gps.csv:longitude", "the longitude is beyond ±180 degrees")]
    public async Task A_bad_coordinate_is_named_without_its_value(string latitude, string longitude, string field, string reason)
    {
        var fixes = $"time,latitude,longitude,speed\n1773648000000000000,52.5,13.4,1\n1773648001000000000,{latitude},{longitude},12.5\n";
        var file = new ImuFileMapping { Name = "gps.csv", Gps = new() };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(
            () => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadFileAsync(Input(fixes), file, new ImuRecording()).AsTask());

        Assert.Equal(3, error.Record);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
        foreach (var value in new[] { "51234", "40567" })
        {
            Assert.DoesNotContain(value, error.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }

        Assert.Contains(latitude, error.Excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_of_a_bad_record_leaves_its_text_to_the_excerpt()
    {
        var error = new TelematicsFormatException(7, "lat", "the value is missing", "2026-03-01T10:00:00Z,52.51234,,");

        Assert.Equal("Record 7, field 'lat': the value is missing.", error.Message);
        Assert.DoesNotContain("52.51234", error.Message, StringComparison.Ordinal);
        Assert.Equal("2026-03-01T10:00:00Z,52.51234,,", error.Excerpt);
    }

    private static PipeReader Input(string text) => PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)));
}
