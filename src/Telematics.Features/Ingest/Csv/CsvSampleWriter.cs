using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Writes samples as CSV in the default mapping's canonical columns, so that <see cref="CsvSampleReader"/> with the
/// default <see cref="CsvColumnMapping"/> reads back exactly the same values.
/// </summary>
/// <remarks>
/// Header: <c>timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,
/// road_class,phone_handheld,phone_interaction,event_id</c>. Timestamps are Unix milliseconds; numbers use the
/// shortest text that round-trips; missing values (NaN, <see cref="RoadClass.Unknown"/>, event id 0) are empty
/// fields; flags are 1 or 0 (both empty where phone use was not recorded); lines end with LF. Infinite optional values are written as <c>Infinity</c>/<c>-Infinity</c>
/// and read back as missing by the default mapping. The source's trip id (<see cref="SampleFlags.TripIdKnown"/> and its
/// tag) is not written: the canonical header is fixed, and the default mapping reads no trip id; the binary format keeps it. Not thread-safe.
/// </remarks>
public sealed class CsvSampleWriter : IAsyncDisposable
{
    /// <summary>The header line the writer emits, without its line break.</summary>
    public const string Header = "timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id";

    // Longest record: 13 fields of at most 24 bytes each plus separators.
    private const int MaxRecordBytes = 13 * 25;

    private readonly PipeWriter _output;
    private readonly bool _leaveOpen;
    private bool _headerWritten;

    private CsvSampleWriter(PipeWriter output, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Creates a writer onto a pipe.</summary>
    /// <param name="output">Where the UTF-8 text goes.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="output"/> uncompleted.</param>
    /// <returns>The writer.</returns>
    public static CsvSampleWriter Create(PipeWriter output, bool leaveOpen = false) => new(output, leaveOpen);

    /// <summary>Creates a writer onto a stream.</summary>
    /// <param name="stream">Where the UTF-8 text goes.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="stream"/> open.</param>
    /// <returns>The writer.</returns>
    public static CsvSampleWriter FromStream(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: leaveOpen)), leaveOpen: false);
    }

    /// <summary>Writes the header (once) and one line per sample, then flushes.</summary>
    /// <param name="samples">The samples; the buffer is only read.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the text is flushed.</returns>
    public async ValueTask WriteAsync(SampleBuffer samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        WriteHeader();
        for (var i = 0; i < samples.Count; i++)
        {
            WriteRecord(samples, i);
        }

        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the header if nothing was written yet, and flushes.</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the text is flushed.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        WriteHeader();
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes the output pipe unless created to leave it open.</summary>
    /// <returns>A task that completes when the output is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void WriteHeader()
    {
        if (_headerWritten)
        {
            return;
        }

        _output.Write("timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id\n"u8);
        _headerWritten = true;
    }

    private void WriteRecord(SampleBuffer samples, int i)
    {
        var line = _output.GetSpan(MaxRecordBytes);
        var at = 0;
        at += Format(samples.TimestampUnixMs[i], line[at..]);
        line[at++] = (byte)',';
        at += Format(samples.LatitudeDeg[i], line[at..]);
        line[at++] = (byte)',';
        at += Format(samples.LongitudeDeg[i], line[at..]);
        line[at++] = (byte)',';
        at += Optional(samples.SpeedMps[i], line[at..]);
        at += Optional(samples.HeadingDeg[i], line[at..]);
        at += Optional(samples.LongitudinalAccelMps2[i], line[at..]);
        at += Optional(samples.LateralAccelMps2[i], line[at..]);
        at += Optional(samples.GpsAccuracyM[i], line[at..]);
        at += Optional(samples.SpeedLimitMps[i], line[at..]);
        var roadClass = samples.RoadClass[i];
        if (roadClass != RoadClass.Unknown)
        {
            var name = roadClass <= RoadClass.Service ? RoadClassNames.Utf8(roadClass) : [];
            if (name.IsEmpty)
            {
                at += Format((byte)roadClass, line[at..]);
            }
            else
            {
                name.CopyTo(line[at..]);
                at += name.Length;
            }
        }

        line[at++] = (byte)',';
        var flags = samples.Flags[i];
        if ((flags & (SampleFlags.PhoneUnknown | SampleFlags.PhoneHandheld | SampleFlags.PhoneInteraction)) == SampleFlags.PhoneUnknown)
        {
            // Phone use not recorded: empty cells, which read back as not recorded (0 would read as "not used").
            line[at++] = (byte)',';
        }
        else
        {
            line[at++] = (flags & SampleFlags.PhoneHandheld) != 0 ? (byte)'1' : (byte)'0';
            line[at++] = (byte)',';
            line[at++] = (flags & SampleFlags.PhoneInteraction) != 0 ? (byte)'1' : (byte)'0';
        }

        line[at++] = (byte)',';
        if (samples.EventId[i] != 0)
        {
            at += Format(samples.EventId[i], line[at..]);
        }

        line[at++] = (byte)'\n';
        _output.Advance(at);
    }

    private static int Optional(float value, Span<byte> destination)
    {
        var written = float.IsNaN(value) ? 0 : Format(value, destination);
        destination[written] = (byte)',';
        return written + 1;
    }

    private static int Format<T>(T value, Span<byte> destination)
        where T : IUtf8SpanFormattable
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }
}
