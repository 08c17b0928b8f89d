using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

public sealed class CsvColumnMappingTests
{
    [Fact]
    public void Json_text_that_kept_its_byte_order_mark_reads_as_without_it()
    {
        var mapping = CsvColumnMapping.FromJson("\uFEFF{ \"separator\": \";\" }");

        Assert.Equal(';', mapping.Separator);
    }

    [Fact]
    public void A_mapping_written_as_json_reads_back_the_same()
    {
        var mapping = new CsvColumnMapping
        {
            Separator = ';',
            DecimalSeparator = ',',
            MissingValues = ["NPI"],
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "DAY", DateFormat = "d/M/yyyy", TimeColumn = "T", UtcOffset = TimeSpan.FromHours(-3) },
            Speed = new CsvNumericColumn("SPD_KMH", MeasurementUnit.KilometresPerHour),
            LateralAcceleration = null,
            RoadClass = new CsvRoadClassColumn("HIERARQUIA_CWB") { Values = { ["NORMAL"] = RoadClass.Residential } },
            PhoneHandheld = new CsvFlagColumn("UMP_YN") { TrueValues = ["Yes"], FalseValues = ["No"] },
        };

        var json = mapping.ToJson();
        var read = CsvColumnMapping.FromJson(json);

        Assert.Contains("\"decimal_separator\": \",\"", json, StringComparison.Ordinal);
        Assert.Contains("\"unit\": \"kmh\"", json, StringComparison.Ordinal);
        Assert.Equal(json, read.ToJson());
        Assert.Equal(TimeSpan.FromHours(-3), read.Timestamp.UtcOffset);
        Assert.Null(read.LateralAcceleration);
        Assert.Equal(RoadClass.Residential, read.RoadClass!.Values["NORMAL"]);
    }

    [Fact]
    public void Properties_left_out_of_the_json_keep_the_canonical_defaults()
    {
        var mapping = CsvColumnMapping.FromJson("""{ "separator": "\t", /* tab-separated */ }""");

        Assert.Equal('\t', mapping.Separator);
        Assert.Equal("lat", mapping.Latitude);
        Assert.Equal("speed_mps", mapping.Speed!.Column);
        Assert.Equal(TimestampFormat.Auto, mapping.Timestamp.Format);
    }

    [Fact]
    public void An_unknown_property_is_an_error_that_names_its_line()
    {
        var error = Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson("{\n  \"separator\": \";\",\n  \"speeed\": { \"column\": \"x\" }\n}"));

        Assert.Equal(3, error.Record);
    }

    [Fact]
    public void An_unknown_unit_is_an_error()
    {
        Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson("""{ "speed": { "column": "v", "unit": "furlongs_per_fortnight" } }"""));
    }

    [Fact]
    public void A_decimal_comma_with_the_comma_as_separator_is_refused_when_the_mapping_is_loaded()
    {
        var error = Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson("{ \"decimal_separator\": \",\" }"));

        Assert.Contains("decimal_separator ',' needs another field separator (such as ';'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CsvSampleReader.Create(PipeInput.Text("timestamp,lat,lon\n"), new CsvColumnMapping { DecimalSeparator = ',' }));
    }

    [Fact]
    public void A_unit_that_does_not_fit_the_field_is_refused_when_the_reader_is_created()
    {
        var mapping = new CsvColumnMapping { Heading = new CsvNumericColumn("h", MeasurementUnit.StandardGravity) };

        Assert.Throws<ArgumentException>(() => CsvSampleReader.Create(PipeInput.Text("timestamp,lat,lon\n"), mapping));
    }

    [Fact]
    public void The_ndsbr_mapping_in_the_repository_loads()
    {
        var mapping = CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/ndsbr.json"));

        Assert.Equal(';', mapping.Separator);
        Assert.Equal(',', mapping.DecimalSeparator);
        Assert.Equal("DAY_CORRIGIDO", mapping.Timestamp.DateColumn);
        Assert.Equal("PR", mapping.Timestamp.TimeColumn);
        Assert.Equal("America/Sao_Paulo", mapping.Timestamp.TimeZone);
        Assert.Equal(MeasurementUnit.KilometresPerHour, mapping.SpeedLimit!.Unit);
        Assert.Equal(RoadClass.Trunk, mapping.RoadClass!.Values["RODOVIA FEDERAL DUPLICADA"]);
    }

    [Fact]
    public async Task The_phone_gps_mapping_reads_a_phone_loggers_gps_file_with_nanosecond_times_and_an_empty_speed()
    {
        var mapping = CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/phone-gps.json"));

        var samples = await PipeInput.ReadAllAsync(CsvSampleReader.Create(
            PipeInput.Text("time,latitude,longitude,speed\n1773648001000000000,52.4998955,13.4000523,11.73\n1773648002000499999,52.4999,13.40006,\n"),
            mapping,
            ParseOnly.Options));

        Assert.Equal([1773648001000L, 1773648002000L], samples.Select(s => s.TimestampUnixMs));
        Assert.Equal(52.4998955, samples[0].LatitudeDeg);
        Assert.Equal(11.73f, samples[0].SpeedMps, 4);
        Assert.True(float.IsNaN(samples[1].SpeedMps));
    }
}
