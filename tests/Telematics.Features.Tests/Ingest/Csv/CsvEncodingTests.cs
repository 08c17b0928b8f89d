using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Tests;

using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// The mapping's <c>encoding</c>: the NDS-BR files re-saved by Excel on a Brazilian Windows are Windows-1252, and their
/// accented road classes (<c>PRIORITÁRIA 1</c>, <c>LINHÃO</c>) must match the mapping as they do in the UTF-8 original.
/// </summary>
public sealed class CsvEncodingTests
{
    // Accented classes of the NDS-BR mapping, and an accented neighbourhood in an ignored column (BAIRRO) on every row.
    private static readonly string Csv = Header + "\n"
        + Row("10/9/2019", "14:00:00", roadClass: "PRIORITÁRIA 1") + "\n"
        + Row("10/9/2019", "14:00:01", roadClass: "LINHÃO") + "\n"
        + Row("10/9/2019", "14:00:02", roadClass: "PRIORITÁRIA 2", phone: "Yes") + "\n"
        + Row("10/9/2019", "14:00:03", roadClass: "NPI") + "\n";

    [Theory]
    [InlineData(CsvEncoding.Windows1252)]
    [InlineData(CsvEncoding.Latin1)]
    public async Task Ndsbr_rows_saved_as_a_single_byte_encoding_read_as_the_utf8_ones_when_the_mapping_says_so(CsvEncoding encoding)
    {
        var (utf8, utf8Report) = await ReadAsync(Csv, Ndsbr());
        var mapping = Ndsbr();
        mapping.Encoding = encoding;

        var (samples, report) = await ReadAsync(Windows1252(Csv), mapping);

        Assert.Equal([RoadClass.Primary, RoadClass.Secondary, RoadClass.Secondary, RoadClass.Unknown], utf8.Select(s => s.RoadClass));
        Assert.Equal(utf8, samples);
        Assert.Equal(0, report.RejectedCount);
        Assert.Empty(report.Warnings);
        Assert.Empty(utf8Report.Warnings);
    }

    [Fact]
    public void The_encoding_is_read_and_written_by_its_json_names()
    {
        Assert.Equal(CsvEncoding.Utf8, CsvColumnMapping.FromJson("{}").Encoding);
        Assert.Equal(CsvEncoding.Utf8, CsvColumnMapping.FromJson("""{ "encoding": "utf-8" }""").Encoding);
        Assert.Equal(CsvEncoding.Latin1, CsvColumnMapping.FromJson("""{ "encoding": "latin1" }""").Encoding);
        var mapping = CsvColumnMapping.FromJson("""{ "encoding": "windows-1252" }""");
        Assert.Equal(CsvEncoding.Windows1252, mapping.Encoding);
        Assert.Contains("\"encoding\": \"windows-1252\"", mapping.ToJson(), StringComparison.Ordinal);
        Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson("""{ "encoding": "cp850" }"""));
    }

    [Fact]
    public async Task Header_names_and_flag_values_with_accents_match_in_windows_1252()
    {
        var mapping = TimeOnlyMapping(CsvEncoding.Windows1252);
        mapping.Speed = new CsvNumericColumn("VELOCIDADE MÉDIA", MeasurementUnit.KilometresPerHour);
        mapping.PhoneHandheld = new CsvFlagColumn("CELULAR") { TrueValues = ["Sim"], FalseValues = ["Não"] };

        var (samples, report) = await ReadAsync(Windows1252("t;lat;lon;VELOCIDADE MÉDIA;CELULAR\n1566857847000;1;2;36;Não\n1566857848000;1;3;72;Sim\n"), mapping);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal([10f, 20f], samples.Select(s => s.SpeedMps));
        Assert.Equal([SampleFlags.None, SampleFlags.PhoneHandheld], samples.Select(s => s.Flags));
    }

    [Fact]
    public async Task Latin1_and_windows_1252_differ_in_0x80_to_0x9F()
    {
        // 0x96 is the en dash in 1252 and a control character in Latin-1; 0x80 the euro sign and another control.
        var bytes = Windows1252("t;lat;lon;class\n1566857847000;1;2;A–B\n1566857848000;1;3;ZONA €\n");
        var windows = TimeOnlyMapping(CsvEncoding.Windows1252);
        windows.RoadClass = new CsvRoadClassColumn("class") { Values = { ["A–B"] = RoadClass.Primary } };
        var latin1 = TimeOnlyMapping(CsvEncoding.Latin1);
        latin1.RoadClass = new CsvRoadClassColumn("class") { Values = { ["A\u0096B"] = RoadClass.Primary } };

        var (fromWindows, windowsReport) = await ReadAsync(bytes, windows);
        var (fromLatin1, latin1Report) = await ReadAsync(bytes, latin1);

        Assert.Equal([RoadClass.Primary, RoadClass.Unknown], fromWindows.Select(s => s.RoadClass));
        Assert.Equal([RoadClass.Primary, RoadClass.Unknown], fromLatin1.Select(s => s.RoadClass));

        // The warning shows the text decoded as declared: the euro sign, or Latin-1's control character as '·'.
        Assert.Equal(new IngestWarning(3, "class", "ZONA €", "not a road class the mapping knows; read as unknown road", 1), Assert.Single(windowsReport.Warnings));
        Assert.Equal("ZONA \u00B7", Assert.Single(latin1Report.Warnings).Value);
    }

    [Fact]
    public async Task Bad_records_are_shown_decoded_in_the_declared_encoding()
    {
        var mapping = TimeOnlyMapping(CsvEncoding.Windows1252);
        mapping.MissingValues = ["NÃO INFORMADO"];

        var (_, report) = await ReadAsync(Windows1252("t;lat;lon\n1566857847000;1;LONGITUDE É\n1566857848000;1;NÃO INFORMADO\n"), mapping);

        Assert.Equal(
            [
                new IngestError(2, "lon", "not a number", "1566857847000;1;LONGITUDE É"),
                new IngestError(3, "lon", "the value is missing", "1566857848000;1;NÃO INFORMADO"),
            ],
            report.Errors);
    }

    [Theory]
    [InlineData("latin1", """ "road_class": { "column": "class", "values": { "A–B": "Primary" } } """, "road_class.values", "A–B")]
    [InlineData("windows-1252", """ "missing_values": ["NPI", "Ő"] """, "missing_values", "Ő")]
    [InlineData("windows-1252", """ "speed": { "column": "v", "missing_values": ["→"] } """, "speed.missing_values", "→")]
    [InlineData("latin1", """ "phone_handheld": { "column": "p", "true_values": ["✓"] } """, "phone_handheld.true_values or false_values", "✓")]
    [InlineData("latin1", """ "latitude": "LATITUDE €" """, "latitude", "LATITUDE €")]
    public void A_mapping_text_the_encoding_cannot_hold_is_a_mapping_error_naming_field_and_text(string encoding, string property, string field, string text)
    {
        var error = Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson($$"""{ "encoding": "{{encoding}}", {{property}} }"""));

        Assert.Contains($"'{text}' in {field}", error.Message, StringComparison.Ordinal);
        Assert.Contains(encoding, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_built_in_code_with_a_text_the_encoding_cannot_hold_is_refused_by_the_reader()
    {
        var mapping = TimeOnlyMapping(CsvEncoding.Latin1);
        mapping.MissingValues = ["–"];

        var error = Assert.Throws<ArgumentException>(() => CsvSampleReader.Create(PipeInput.Text("t;lat;lon\n"), mapping));
        Assert.Contains("'–' in missing_values", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CsvEncoding.Windows1252)]
    [InlineData(CsvEncoding.Latin1)]
    public async Task A_utf8_byte_order_mark_is_refused_when_the_mapping_declares_a_single_byte_encoding(CsvEncoding encoding)
    {
        // The mark says the file is UTF-8: read as declared, every accented class would be mis-read instead.
        var mapping = Ndsbr();
        mapping.Encoding = encoding;
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv)).ToArray();

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(bytes, mapping));

        Assert.Equal(1, error.Record);
        Assert.Contains("UTF-8 byte order mark", error.Reason, StringComparison.Ordinal);
        Assert.Contains($"\"encoding\": \"{(encoding == CsvEncoding.Latin1 ? "latin1" : "windows-1252")}\"", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CsvEncoding.Utf8)]
    [InlineData(CsvEncoding.Windows1252)]
    [InlineData(CsvEncoding.Latin1)]
    public async Task A_utf16_file_is_refused_whatever_the_encoding(CsvEncoding encoding)
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("t;lat;lon\n1566857847000;1;2\n")).ToArray();

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => ReadAsync(bytes, TimeOnlyMapping(encoding)));

        Assert.Contains("UTF-16 little-endian", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_windows_1252_rows_allocates_nothing_per_record()
    {
        var mapping = Ndsbr();
        mapping.Encoding = CsvEncoding.Windows1252;
        var small = Rows(200);
        var large = Rows(4_000);
        var buffer = new SampleBuffer(8_192);
        ReadAll(small, mapping, buffer); // warm-up: JIT, pools, first-use statics

        var smallBytes = Allocations.LeastOf(3, () => ReadAll(small, mapping, buffer));
        var largeBytes = Allocations.LeastOf(3, () => ReadAll(large, mapping, buffer));

        // The reader and its compiled mapping cost the same for 200 rows as for 4000: nothing grows with the records.
        Assert.Equal(4_000, buffer.Count);
        Assert.True(largeBytes - smallBytes < 1024, $"200 rows: {smallBytes} B, 4000 rows: {largeBytes} B allocated");
    }

    [SharedDataFact("ndsbr/driver_A.csv")]
    public async Task Driver_A_saved_as_windows_1252_reads_as_the_utf8_file()
    {
        var text = await File.ReadAllTextAsync(SharedData.Find("ndsbr/driver_A.csv")!);
        var bytes = Windows1252(text);
        Assert.Equal(text, Encoding.Latin1.GetString(bytes)); // every character has its byte: nothing was replaced
        var mapping = Ndsbr();
        mapping.Encoding = CsvEncoding.Windows1252;

        var (utf8, utf8Report) = await ReadAsync(text, Ndsbr());
        var (samples, report) = await ReadAsync(bytes, mapping);

        Assert.Equal(3623, samples.Count);
        Assert.Equal(utf8, samples);
        Assert.Equal(utf8Report.WarningCount, report.WarningCount);
        Assert.Equal(0, report.RejectedCount);
    }

    // Rows of one trip, one second apart, cycling through the accented classes.
    private static byte[] Rows(int count)
    {
        var csv = new StringBuilder(Header).Append('\n');
        string[] classes = ["PRIORITÁRIA 1", "LINHÃO", "PRIORITÁRIA 2", "NORMAL"];
        for (var i = 0; i < count; i++)
        {
            var clock = TimeSpan.FromHours(12) + TimeSpan.FromSeconds(i);
            csv.Append(Row("10/9/2019", clock.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture), roadClass: classes[i % classes.Length])).Append('\n');
        }

        return Windows1252(csv.ToString());
    }

    private static void ReadAll(byte[] csv, CsvColumnMapping mapping, SampleBuffer buffer)
    {
        var reader = CsvSampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(csv)), mapping);
        var read = reader.ReadAsync(buffer);
        Assert.True(read.IsCompletedSuccessfully && read.Result.IsCompleted, "read whole and at once");
        Assert.Equal(0, reader.Report.WarningCount); // every accented class matched
        reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
