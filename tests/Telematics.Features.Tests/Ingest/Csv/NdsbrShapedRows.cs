using System.Globalization;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>Synthetic rows shaped like the NDS-BR files (driver_*.csv): their header, separators and decimal comma.</summary>
internal static class NdsbrShapedRows
{
    private static readonly SampleReaderOptions SkipAndReport = new() { BadRecords = BadRecordHandling.SkipAndReport };

    /// <summary>Reads <paramref name="csv"/> whole, bad records skipped and reported.</summary>
    public static Task<(List<TelematicsSample> Samples, IngestReport Report)> ReadAsync(string csv, CsvColumnMapping mapping) =>
        ReadAsync(Encoding.UTF8.GetBytes(csv), mapping);

    /// <summary>Reads the bytes of a CSV file whole, bad records skipped and reported.</summary>
    public static async Task<(List<TelematicsSample> Samples, IngestReport Report)> ReadAsync(byte[] csv, CsvColumnMapping mapping)
    {
        var reader = CsvSampleReader.Create(PipeInput.Chunked(csv), mapping, SkipAndReport);
        var report = reader.Report;
        return (await PipeInput.ReadAllAsync(reader), report);
    }

    /// <summary>
    /// Text as Excel's "CSV" saves it on a Brazilian or Western European Windows (code page 1252), written here without
    /// the library's encoder: Latin-1, but for the two characters of 0x80–0x9F that the tests use.
    /// </summary>
    public static byte[] Windows1252(string text) =>
        Encoding.Latin1.GetBytes(text.Replace('\u20AC', '\u0080').Replace('\u2013', '\u0096'));

    /// <summary>The committed mapping of the study's files, docs/mappings/ndsbr.json.</summary>
    public static CsvColumnMapping Ndsbr() => CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/ndsbr.json"));

    /// <summary>A semicolon-separated file in <paramref name="encoding"/> with a Unix-ms time <c>t</c> and the default latitude and longitude columns, nothing else.</summary>
    public static CsvColumnMapping TimeOnlyMapping(CsvEncoding encoding) => new()
    {
        Encoding = encoding,
        Separator = ';',
        Timestamp = new CsvTimestampMapping { Column = "t", Format = TimestampFormat.UnixMilliseconds },
        Speed = null,
        Heading = null,
        LongitudinalAcceleration = null,
        LateralAcceleration = null,
        GpsAccuracy = null,
        SpeedLimit = null,
        RoadClass = null,
        PhoneHandheld = null,
        PhoneInteraction = null,
        EventId = null,
    };

    /// <summary>Unix milliseconds of a UTC time in September 2019.</summary>
    public static long Utc(int day, int hour, int minute, int second) =>
        new DateTimeOffset(2019, 9, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public const string Header = "DRIVER;LONG;LAT;DAY;DAY_CORRIGIDO;03:00:00;TRIP;ID;PR;H;M;S;TIME_ACUM;SPD_MPH;SPD_KMH;ACEL_MS2;HEADING;ALTITUDE_FT;VALID_TIME;TIMESTAMP_GPS;CPOOL;CPOOLING_CHECKED;WSB;UMP_YN;UMP;PICK_UP;ACTION;GPS_FILE;CIDADE;BAIRRO;NOME_RUA;HIERARQUIA_CWB;HIERARQUIA_CTB;LIMITE_VEL";

    /// <summary>One row; <paramref name="utc"/> is the UTC clock (column 03:00:00) and the local one (PR) is 3 h earlier on the same DAY; the driver is the id's letter.</summary>
    public static string Row(
        string day, string utc, double lat = -25.451837, double lon = -49.23446, string speedKmh = "36", string limit = "40",
        string phone = "No", string roadClass = "NORMAL", string id = "A05", string? local = null)
    {
        local ??= TimeSpan.Parse(utc, CultureInfo.InvariantCulture) is var t && t.TotalHours >= 3
            ? (t - TimeSpan.FromHours(3)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)
            : (t + TimeSpan.FromHours(21)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        var trip = int.Parse(id.AsSpan(1), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return string.Join(';',
            id[..1], Dec(lon), Dec(lat), day, day, utc, trip, id, local, "", "", "", "0", "", speedKmh, "0,1", "90", "3050", "Yes", "No",
            "Not carpooling", "Not carpooling", "Yes", phone, "0", "0", "", "", "Curitiba", "JARDIM DAS AMÉRICAS", "RUA X", roadClass, "NPI", limit);
    }

    private static string Dec(double value) => value.ToString("R", CultureInfo.InvariantCulture).Replace('.', ',');
}
