using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// A Windows-1252 file read through a mapping without <c>encoding</c> must not be mis-read in silence: where compared
/// text (a header name, a road class, a flag value) is not valid UTF-8, the report says so and names the option.
/// </summary>
public sealed class CsvNotUtf8Tests
{
    private const string Hint = "\"encoding\": \"windows-1252\"";

    [Fact]
    public async Task Windows_1252_road_classes_are_warned_as_not_utf8_with_the_option_to_set()
    {
        var csv = Header + "\n"
            + Row("10/9/2019", "14:00:00", roadClass: "PRIORITÁRIA 1") + "\n"
            + Row("10/9/2019", "14:00:01", roadClass: "PRIORITÁRIA 1") + "\n"
            + Row("10/9/2019", "14:00:02", roadClass: "NORMAL") + "\n"
            + Row("10/9/2019", "14:00:03", roadClass: "TRILHA") + "\n";

        var (samples, report) = await ReadAsync(Windows1252(csv), Ndsbr());

        // The records keep their positions, as for any unknown class; the warning names line, column and cause.
        Assert.Equal([RoadClass.Unknown, RoadClass.Unknown, RoadClass.Residential, RoadClass.Unknown], samples.Select(s => s.RoadClass));
        Assert.Equal(2, report.Warnings.Count);
        var warning = report.Warnings[0];
        Assert.Equal((2L, "HIERARQUIA_CWB", "PRIORIT\uFFFDRIA 1", 2L), (warning.Record, warning.Field, warning.Value, warning.Count));
        Assert.Contains("not valid UTF-8", warning.Reason, StringComparison.Ordinal);
        Assert.Contains(Hint, warning.Reason, StringComparison.Ordinal);

        // A class that is valid UTF-8 is merely unknown.
        Assert.Equal(new IngestWarning(5, "HIERARQUIA_CWB", "TRILHA", "not a road class the mapping knows; read as unknown road", 1), report.Warnings[1]);
    }

    [Fact]
    public async Task A_windows_1252_flag_value_is_a_bad_record_that_names_the_option()
    {
        var mapping = TimeOnlyMapping(CsvEncoding.Utf8);
        mapping.PhoneHandheld = new CsvFlagColumn("celular") { TrueValues = ["Sim"], FalseValues = ["Não"] };

        // Accents in a column the mapping ignores (OBSERVAÇÃO) are no reason to stop: nothing compared depends on them.
        var (samples, report) = await ReadAsync(Windows1252("t;lat;lon;celular;OBSERVAÇÃO\n1566857847000;1;2;Não;x\n1566857848000;1;3;Sim;x\n"), mapping);

        Assert.Equal(SampleFlags.PhoneHandheld, Assert.Single(samples).Flags);
        var error = Assert.Single(report.Errors);
        Assert.Equal((2L, "celular"), (error.Record, error.Field));
        Assert.Contains(Hint, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_optional_column_with_accents_missing_from_a_windows_1252_header_is_an_error_naming_it()
    {
        // Not dropped as absent: the column is there, its name mis-decoded; every speed would be lost in silence.
        var mapping = TimeOnlyMapping(CsvEncoding.Utf8);
        mapping.Speed = new CsvNumericColumn("VELOCIDADE MÉDIA", MeasurementUnit.KilometresPerHour);

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(Windows1252("t;lat;lon;VELOCIDADE MÉDIA\n1566857847000;1;2;36\n"), mapping));

        Assert.Equal((1L, "VELOCIDADE MÉDIA"), (error.Record, error.Field));
        Assert.Contains("not valid UTF-8", error.Reason, StringComparison.Ordinal);
        Assert.Contains(Hint, error.Reason, StringComparison.Ordinal);
        Assert.Equal("t;lat;lon;VELOCIDADE M\uFFFDDIA", error.Excerpt);
    }

    [Fact]
    public async Task A_required_column_missing_from_a_header_that_is_not_utf8_names_the_option()
    {
        var mapping = TimeOnlyMapping(CsvEncoding.Utf8);
        mapping.Latitude = "LATITUDE (°)";

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(Windows1252("t;LATITUDE (°);lon\n1566857847000;1;2\n"), mapping));

        Assert.Equal((1L, "LATITUDE (°)"), (error.Record, error.Field));
        Assert.Contains(Hint, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "UTF-16 little-endian")]
    [InlineData(true, "UTF-16 big-endian")]
    public async Task A_utf16_file_is_refused_naming_its_encoding(bool bigEndian, string name)
    {
        var utf16 = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var bytes = utf16.GetPreamble().Concat(utf16.GetBytes("t;lat;lon\n1566857847000;1;2\n")).ToArray();

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(bytes, TimeOnlyMapping(CsvEncoding.Utf8)));

        Assert.Equal(1, error.Record);
        Assert.Contains(name, error.Reason, StringComparison.Ordinal);
    }
}
