using System.IO.Pipelines;
using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Reads phone sensor logs as phones write them — a file per sensor (<c>time,x,y,z</c>) or one merged file — into an
/// <see cref="ImuRecording"/>, streaming each file through a <see cref="PipeReader"/>.
/// </summary>
/// <remarks>
/// A bad record (a field that is not a number, a reading beyond what a phone sensor can read, time going backwards, a
/// partial reading) throws <see cref="TelematicsFormatException"/> naming the line and <c>file:column</c>, or is skipped
/// and listed in <see cref="Report"/>, as <see cref="ImuReaderOptions.BadRecords"/> says. Readings that share a time
/// stamp (logs stamped to the whole second) are spread evenly up to the next stamp, so rates and gaps stay true.
/// Not thread-safe.
/// </remarks>
public sealed partial class ImuLogReader
{
    private readonly ImuMapping _mapping;
    private readonly ImuReaderOptions _options;
    private readonly List<IngestError> _warnings = [];

    /// <summary>Creates a reader for recordings laid out as <paramref name="mapping"/> says.</summary>
    /// <param name="mapping">The layout; validated here.</param>
    /// <param name="options">Bad-record handling; default reject.</param>
    /// <exception cref="TelematicsFormatException">The mapping is invalid.</exception>
    public ImuLogReader(ImuMapping mapping, ImuReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate();
        _mapping = mapping;
        _options = options ?? new ImuReaderOptions();
        Report = new IngestReport(_options.MaxReportedErrors);
    }

    /// <summary>Readings accepted and records skipped so far, over every file read.</summary>
    public IngestReport Report { get; }

    /// <summary>
    /// Lines skipped whatever <see cref="ImuReaderOptions.BadRecords"/> says, over every file read: a malformed last line
    /// without a line end (a logger stopped while writing it). <see cref="IngestError.Field"/> names the file.
    /// </summary>
    public IReadOnlyList<IngestError> Warnings => _warnings;

    /// <summary>Reads one file's readings into <paramref name="destination"/>, adding to what it holds; call <see cref="Complete"/> after the last file.</summary>
    /// <param name="input">The file's bytes; completed by this call.</param>
    /// <param name="file">Which sensors the file holds, in which columns.</param>
    /// <param name="destination">The recording to add to; its frame is set from the mapping, its clock by <see cref="Complete"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the file is read.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode, or a header without a mapped column.</exception>
    public async ValueTask ReadFileAsync(PipeReader input, ImuFileMapping file, ImuRecording destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(destination);
        destination.Frame = _mapping.Frame;
        var parser = new ImuFileParser(_mapping, file, destination, Report, _options.BadRecords == BadRecordHandling.Reject, _warnings, _options.PreferWallClock || _wallClockForRecording);
        var before = new int[4];
        var gpsBefore = destination.Gps.Count;
        for (var sensor = 0; sensor < 4; sensor++)
        {
            before[sensor] = destination[(ImuSensor)sensor].Count;
        }

        try
        {
            await LineSplitter.RunAsync(input, parser, _options.MaxLineBytes, file.Name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }

        // Times stay as read until Complete: the unit of numbers is told from the fastest series of their column, which
        // may be in a file read later.
        var timeColumn = parser.TimeColumn;
        for (var sensor = 0; sensor < 4; sensor++)
        {
            var read = destination[(ImuSensor)sensor].Count - before[sensor];
            if (file.Columns((ImuSensor)sensor) is not null && read > 0)
            {
                destination.Unfinished.Add(new ImuReadSpan(file.Name, timeColumn, sensor, before[sensor], read, parser.ProvisionalScale));
            }
        }

        if (file.Gps is not null && destination.Gps.Count > gpsBefore)
        {
            destination.Unfinished.Add(new ImuReadSpan(file.Name, timeColumn, ImuReadSpan.Gps, gpsBefore, destination.Gps.Count - gpsBefore, parser.ProvisionalScale));
        }
    }

    /// <summary>
    /// Judges the files read into <paramref name="recording"/> since it was cleared (or last completed) as one recording;
    /// call it once after the last <see cref="ReadFileAsync"/> (<see cref="ReadDirectoryAsync"/> and
    /// <see cref="ReadMergedFileAsync"/> call it themselves). Each file of acceleration with gravity must have a median
    /// magnitude of 7–13 m/s² (gravity's 9.81; phones at rest read 9.6–10.0), else it is refused saying what it looks
    /// like: gravity removed, g read as m/s², or m/s² read as g. Each file of at least 100 rotation rates must have a median
    /// rate of at most 0.7 rad/s (40 °/s), else it is refused as looking like °/s read as rad/s. Numeric times of <see cref="ImuTimeFormat.Auto"/> get one
    /// unit per time column, told from the spacing of its fastest sensor series (a 1 Hz GPS alone would fit ms as well as
    /// s), and a series whose spacing that unit makes implausible is refused naming both files. The clock
    /// (<see cref="ImuRecording.IsEpochTime"/>) is decided once for the recording: files without readings do not vote,
    /// and files on different clocks (Unix and monotonic) are refused naming both. A refused recording is left unusable:
    /// clear it before reading again.
    /// </summary>
    /// <param name="recording">The recording the files were read into.</param>
    /// <exception cref="TelematicsFormatException">A file's readings cannot be what its mapping says; the message names the file.</exception>
    public void Complete(ImuRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        SharedTimeUnit.Resolve(recording);
        foreach (var span in recording.Unfinished)
        {
            if (span.Series != ImuReadSpan.Gps)
            {
                SpreadRepeatedTimes(recording[(ImuSensor)span.Series].TimeNsMutable.Slice(span.Start, span.Count));
            }

            VoteClock(recording, span);
            if (span.Series == (int)ImuSensor.Accelerometer)
            {
                GravityCheck.Require(recording.Accelerometer, span.Start, span.Count, span.File, _mapping.AccelerationUnit);
            }
            else if (span.Series == (int)ImuSensor.Gyroscope)
            {
                RotationCheck.Require(recording.Gyroscope, span.Start, span.Count, span.File, _mapping.RotationUnit);
            }
        }

        recording.Unfinished.Clear();
    }

    /// <summary>
    /// Reads every file of the mapping found in <paramref name="directory"/> into a cleared <paramref name="destination"/>:
    /// by exact name, else ignoring case, spaces and punctuation (<c>Linear Acceleration.csv</c> for
    /// <c>linear_acceleration.csv</c>); files it does not find are skipped.
    /// </summary>
    /// <param name="directory">The recording's directory.</param>
    /// <param name="destination">Recording to fill; cleared first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when every file is read.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode, a recording <see cref="Complete"/> refuses, or no file with an accelerometer (or linear acceleration) and a gyroscope.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public async ValueTask ReadDirectoryAsync(string directory, ImuRecording destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(destination);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"No directory '{directory}'.");
        }

        destination.Clear();
        var present = Directory.GetFiles(directory);
        var found = new List<(string Path, ImuFileMapping File)>();
        foreach (var file in _mapping.Files)
        {
            if (Find(present, directory, file.Name) is { } path)
            {
                found.Add((path, file));
            }
        }

        var read = found.Count;
        _wallClockForRecording = NeedsWallClock(found);
        try
        {
            foreach (var (path, file) in found)
            {
                await ReadPathAsync(path, file, destination, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _wallClockForRecording = false;
        }

        Complete(destination);
        RequireMotionSensors(destination, read == 0 ? NoneFound(directory, present) : null);
    }

    // Names what was looked for and what is there, so a logger's own file names (acelerometro_terra.csv, Gyroscope.csv)
    // lead straight to a mapping that names them.
    private string NoneFound(string directory, string[] present)
    {
        var expected = string.Join(", ", _mapping.Files.Select(f => f.Name));
        var found = present.Select(Path.GetFileName).Where(n => n is not null && n.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).Take(12).ToArray();
        var holds = found.Length == 0 ? "it holds no .csv file" : "it holds " + string.Join(", ", found);
        return $"none of the mapping's files ({expected}) is in '{directory}'; {holds}. Give a mapping that names its files (docs/formats/phone-sensors.md)";
    }

    /// <summary>Reads a single merged file (the mapping's only file, whatever the file is called) into a cleared <paramref name="destination"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="destination">Recording to fill; cleared first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when the file is read.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode, the mapping lists more than one file, a recording <see cref="Complete"/> refuses, or the file lacks the motion sensors.</exception>
    public async ValueTask ReadMergedFileAsync(string path, ImuRecording destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(destination);
        if (_mapping.Files.Count != 1)
        {
            throw new TelematicsFormatException(0, "files", $"a single input file needs a mapping of one file; this one lists {_mapping.Files.Count} (give a directory instead)", string.Empty);
        }

        destination.Clear();
        await ReadPathAsync(path, _mapping.Files[0], destination, cancellationToken).ConfigureAwait(false);
        Complete(destination);
        RequireMotionSensors(destination, null);
    }

    /// <summary>
    /// The file of <paramref name="name"/>: exactly, else the one whose name matches ignoring case, spaces and
    /// punctuation (loggers write <c>Gyroscope.csv</c> or <c>Linear Acceleration.csv</c>); null when there is none.
    /// </summary>
    private static string? Find(string[] present, string directory, string name)
    {
        var exact = Path.Combine(directory, name);
        if (File.Exists(exact))
        {
            return exact;
        }

        var key = Normalize(name);
        string? found = null;
        foreach (var path in present)
        {
            if (Normalize(Path.GetFileName(path)) == key)
            {
                if (found is not null)
                {
                    throw new TelematicsFormatException(0, "files", $"both '{Path.GetFileName(found)}' and '{Path.GetFileName(path)}' could be '{name}'; name one in the mapping", string.Empty);
                }

                found = path;
            }
        }

        return found;
    }

    private static string Normalize(string name)
    {
        var kept = new System.Text.StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                kept.Append(char.ToLowerInvariant(c));
            }
        }

        return kept.ToString();
    }

    private async ValueTask ReadPathAsync(string path, ImuFileMapping file, ImuRecording destination, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
            await ReadFileAsync(pipe, file, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void RequireMotionSensors(ImuRecording recording, string? why)
    {
        if (why is not null)
        {
            throw new TelematicsFormatException(0, "files", why, string.Empty);
        }

        if (recording.Accelerometer.Count == 0 && recording.LinearAcceleration.Count == 0)
        {
            throw new TelematicsFormatException(0, "files", "no accelerometer or linear acceleration readings were read", string.Empty);
        }

        if (recording.Gyroscope.Count == 0)
        {
            throw new TelematicsFormatException(0, "files", "no gyroscope readings were read (the vehicle's yaw and the phone's handling come from it)", string.Empty);
        }
    }

    /// <summary>Spreads each run of equal stamps evenly over the interval to the next stamp (the last run: the step before it).</summary>
    internal static void SpreadRepeatedTimes(Span<long> times)
    {
        var start = 0;
        long lastStep = 0;
        while (start < times.Length)
        {
            var end = start + 1;
            while (end < times.Length && times[end] == times[start])
            {
                end++;
            }

            var run = end - start;
            if (run > 1)
            {
                var step = end < times.Length ? (times[end] - times[start]) / run : lastStep;
                for (var k = 1; k < run; k++)
                {
                    times[start + k] = times[start] + (k * step);
                }

                lastStep = step;
            }
            else if (end < times.Length)
            {
                lastStep = times[end] - times[start];
            }

            start = end;
        }
    }
}
