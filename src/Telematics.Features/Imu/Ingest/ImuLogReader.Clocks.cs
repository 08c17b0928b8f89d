using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

// The recording's clock: every file must be on one, and where the sensor-event clock cannot be the one, the wall clock is.
public sealed partial class ImuLogReader
{
    // Set while one directory is read: its files are read by their wall clock (NeedsWallClock).
    private bool _wallClockForRecording;

    /// <summary>
    /// Whether a recording's files cannot all be read by the sensor-event clock the reader prefers: one has it beside a
    /// wall clock, another has no sensor clock at all (a GPS file with only <c>timestamp</c>). Read by the sensor clock
    /// they would be refused as on two clocks; the wall clock is one they can share. Only the headers are read here.
    /// </summary>
    private bool NeedsWallClock(List<(string Path, ImuFileMapping File)> files)
    {
        if (_options.PreferWallClock)
        {
            return false;
        }

        bool sensorBesideWall = false, withoutSensor = false;
        foreach (var (path, file) in files)
        {
            // A file without readings does not vote (VoteClock), nor one whose header the read proper will refuse.
            if (HeaderOfFileWithRows(path, _options.MaxLineBytes) is not { } header)
            {
                continue;
            }

            var parser = new ImuFileParser(_mapping, file, new ImuRecording(), new IngestReport(0), reject: true, [], preferWallClock: false);
            try
            {
                parser.Line(header, 1, unterminated: false);
            }
            catch (TelematicsFormatException)
            {
                // The read proper reports it, with the line and column.
                continue;
            }

            var (sensor, wall) = parser.ClockColumns();
            sensorBesideWall |= sensor && wall;
            withoutSensor |= !sensor;
        }

        return sensorBesideWall && withoutSensor;
    }

    // The first line, when it ends within maxLineBytes and another non-blank line follows it; at most two lines' bytes are
    // read, whatever the file holds (a file without line breaks is the read proper's to refuse, with its name).
    private static byte[]? HeaderOfFileWithRows(string path, int maxLineBytes)
    {
        var buffer = new byte[2 * maxLineBytes + 8];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, length);
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        var end = text.IndexOfAny((byte)'\n', (byte)'\r');
        if (end <= 0 || end > maxLineBytes || text[end..].IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return null;
        }

        return text[..end].ToArray();
    }

    /// <summary>The first file with readings sets the recording's clock; a file on another clock is refused naming both.</summary>
    private void VoteClock(ImuRecording recording, ImuReadSpan span)
    {
        var times = span.Series == ImuReadSpan.Gps ? recording.Gps.TimeNs : recording[(ImuSensor)span.Series].TimeNs;
        var epoch = _mapping.Time.Format switch
        {
            ImuTimeFormat.MonotonicNs or ImuTimeFormat.ElapsedS => false,
            ImuTimeFormat.Auto => ImuTimeUnits.IsUnix(times[span.Start]),
            _ => true,
        };
        if (recording.ClockFile is null)
        {
            recording.ClockFile = span.File;
            recording.IsEpochTime = epoch;
        }
        else if (epoch != recording.IsEpochTime)
        {
            static string Clock(bool unix) => unix ? "Unix (wall-clock) times" : "times on a monotonic clock (since boot or since the recording started)";
            throw new TelematicsFormatException(0, $"{span.File}:{span.TimeColumn}",
                $"'{recording.ClockFile}' has {Clock(recording.IsEpochTime)} but '{span.File}' has {Clock(epoch)}: the files of a recording must share one clock{(_mapping.Time.Format == ImuTimeFormat.Auto ? " (and their times one unit)" : string.Empty)}", string.Empty);
        }
    }

}
