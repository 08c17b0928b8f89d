using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Imu.Ingest;

/// <summary>Parses the lines of one log file (header first) into the series of the sensors it holds.</summary>
internal sealed partial class ImuFileParser : ILineSink
{
    private const int MaxColumns = 64;
    private const int GpsLatitudeRole = 13;
    private const int GpsLongitudeRole = 14;
    private const int GpsSpeedRole = 15;

    // A sensor time stepping back by less than 1 s drops its reading with a warning; 1 s or more still refuses the line
    // (or the recording in Reject mode): a batch seam steps back by milliseconds, a clock reset or joined files by far more.
    private const long OneSecondNs = 1_000_000_000;

    // Warnings listed per file for dropped readings: a logger with a bad seam repeats it, and a user needs to see it, not thousands.
    private const int MaxStepBackWarnings = 20;

    private readonly ImuMapping _mapping;
    private readonly bool _decimalComma;
    private readonly ImuFileMapping _file;
    private readonly ImuRecording _destination;
    private readonly IngestReport _report;
    private readonly bool _reject;
    private readonly List<IngestError> _warnings;
    private readonly bool _preferWallClock;
    private const string DefaultTimeColumn = "time";
    private string _timeColumn;
    private readonly ImuTimeText _time;
    private readonly Utf8TokenSet<bool>? _speedMissing;
    private readonly int[] _roles = new int[MaxColumns];
    private readonly string[] _names = new string[MaxColumns];
    private readonly long[] _lastTime = [long.MinValue, long.MinValue, long.MinValue, long.MinValue, long.MinValue];
    private readonly int[] _firstRead = new int[4];
    private readonly int _firstGps;
    private int _columns;
    private bool _headerRead;
    private bool _unterminated;
    private int _steppedBack;

    /// <summary>The column times are read from: the mapping's, or a common one the header has (known once the header is read).</summary>
    public string TimeColumn => _timeColumn;

    /// <summary>Non-zero when times were numbers read by <see cref="ImuTimeFormat.Auto"/>: they are in units of 1/this until rescaled.</summary>
    public long ProvisionalScale => _time.ProvisionalScale;

    public ImuFileParser(ImuMapping mapping, ImuFileMapping file, ImuRecording destination, IngestReport report, bool reject, List<IngestError> warnings, bool preferWallClock)
    {
        _preferWallClock = preferWallClock;
        _warnings = warnings;
        _mapping = mapping;
        _file = file;
        _destination = destination;
        for (var sensor = 0; sensor < _firstRead.Length; sensor++)
        {
            _firstRead[sensor] = destination[(ImuSensor)sensor].Count;
        }

        _firstGps = destination.Gps.Count;
        _report = report;
        _reject = reject;
        _timeColumn = file.TimeColumn ?? mapping.Time.Column;
        _decimalComma = mapping.DecimalSeparator == ',';
        _time = new ImuTimeText(mapping.Time, _decimalComma);
        if (file.Gps?.SpeedMissingValues is { Count: > 0 } missing)
        {
            _speedMissing = new Utf8TokenSet<bool>(missing.Select(v => KeyValuePair.Create(v, true)), ignoreCase: false);
        }
    }

    public void Line(ReadOnlySpan<byte> line, long lineNumber, bool unterminated)
    {
        _unterminated = unterminated;
        if (line.IsEmpty)
        {
            return;
        }

        if (!_headerRead)
        {
            ReadHeader(line);
            _headerRead = true;
            return;
        }

        ParseRow(line, lineNumber);
    }

    private void ParseRow(ReadOnlySpan<byte> line, long lineNumber)
    {
        Span<float> values = stackalloc float[12];
        Span<bool> present = stackalloc bool[12];
        Span<double> gps = stackalloc double[3];
        var gpsPresent = 0;
        var separator = (byte)_mapping.Separator;
        long time = 0;
        var hasTime = false;
        var rest = line;
        var timeScale = FastTimeScale();
        for (var column = 0; column < _columns; column++)
        {
            // Fast path for plain decimals (what loggers write): scanned in place, no trimming or search for the separator.
            var fastRole = _roles[column];
            if (fastRole > 0 ? fastRole < GpsLatitudeRole : fastRole == 0 && timeScale > 0)
            {
                var p = 0;
                if (Utf8Numbers.TryScanDecimal(rest, ref p, separator, (byte)'.', out var significand, out var fractionDigits, out var negative)
                    && (p < rest.Length || column == _columns - 1))
                {
                    if (fastRole == 0)
                    {
                        if (fractionDigits == 0 && !negative && significand <= (ulong)(long.MaxValue / timeScale))
                        {
                            time = (long)significand * timeScale;
                            hasTime = true;
                            rest = p < rest.Length ? rest[(p + 1)..] : [];
                            continue;
                        }
                    }
                    else if (Utf8Numbers.TryExactDouble(significand, fractionDigits, negative, out var fast))
                    {
                        if (!Store(fastRole - 1, fast, column, lineNumber, line, values, present))
                        {
                            return;
                        }

                        rest = p < rest.Length ? rest[(p + 1)..] : [];
                        continue;
                    }
                }
            }

            var end = rest.IndexOf(separator);
            if (end < 0 && column < _columns - 1)
            {
                Bad(lineNumber, _names[column + 1], "the row has fewer fields than the header", line);
                return;
            }

            var field = Utf8Numbers.Trim(end < 0 ? rest : rest[..end]);
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (field.Length >= 2 && field[0] == (byte)'"' && field[^1] == (byte)'"')
            {
                // Spreadsheet exports quote every field, numbers too.
                field = Utf8Numbers.Trim(field[1..^1]);
            }

            var role = _roles[column];
            if (role < 0 || field.IsEmpty)
            {
                continue;
            }

            if (role == 0)
            {
                if (!_time.TryParse(field, out time))
                {
                    Bad(lineNumber, _names[column], $"'{Excerpt.Of(field)}' is not a time in format {_mapping.Time.Format}", line);
                    return;
                }

                if (_time.TakeRescale() is var factor and > 1)
                {
                    Rescale(factor);
                }

                hasTime = true;
                continue;
            }

            if (role >= GpsLatitudeRole)
            {
                if (role == GpsSpeedRole && _speedMissing is not null && _speedMissing.TryMatch(field, out _))
                {
                    continue;
                }

                var parsedGps = Utf8Numbers.TryParseDouble(field, _decimalComma, out var gpsValue);
                if (GpsProblem(role, parsedGps, gpsValue) is { } problem)
                {
                    // Says what is wrong, never the value: a coordinate is where the driver was, and reasons reach logs and 400s.
                    Bad(lineNumber, _names[column], problem, line);
                    return;
                }

                gps[role - GpsLatitudeRole] = gpsValue;
                gpsPresent |= 1 << (role - GpsLatitudeRole);
                continue;
            }

            // Through double: loggers write 8–9 significant digits, past the single-precision fast path, well within the double one.
            if (!Utf8Numbers.TryParseDouble(field, _decimalComma, out var parsed) || !double.IsFinite(parsed))
            {
                Bad(lineNumber, _names[column], $"'{Excerpt.Of(field)}' is not a finite number", line);
                return;
            }

            if (!Store(role - 1, parsed, column, lineNumber, line, values, present))
            {
                return;
            }
        }

        for (var sensor = 0; sensor < 4; sensor++)
        {
            var count = (present[sensor * 3] ? 1 : 0) + (present[(sensor * 3) + 1] ? 1 : 0) + (present[(sensor * 3) + 2] ? 1 : 0);
            if (count == 0)
            {
                continue;
            }

            if (count < 3)
            {
                var axes = _file.Columns((ImuSensor)sensor)!;
                var missing = !present[sensor * 3] ? axes.X : !present[(sensor * 3) + 1] ? axes.Y : axes.Z;
                Bad(lineNumber, missing, $"a {(ImuSensor)sensor} reading needs all three axes", line);
                return;
            }

            if (!hasTime)
            {
                Bad(lineNumber, _timeColumn, "the reading has no time", line);
                return;
            }

            if (time < _lastTime[sensor] && _lastTime[sensor] - time < OneSecond(time) && !_unterminated)
            {
                // Android delivers sensor readings in batches whose times can step back by a few milliseconds at a
                // batch's seam: one such reading is dropped (its neighbours hold the same motion), not the recording.
                StepBack(lineNumber, (ImuSensor)sensor, (_lastTime[sensor] - time) * 1000.0 / OneSecond(time), line);
                return;
            }

            if (time < _lastTime[sensor])
            {
                Bad(lineNumber, _timeColumn, $"time goes backwards ({(_lastTime[sensor] - time) / 1e6:F1} ms before the previous {(ImuSensor)sensor} reading)", line);
                return;
            }
        }

        if ((gpsPresent & 3) != 0)
        {
            if ((gpsPresent & 3) != 3)
            {
                Bad(lineNumber, (gpsPresent & 1) == 0 ? _file.Gps!.Latitude : _file.Gps!.Longitude, "a GPS fix needs latitude and longitude", line);
                return;
            }

            if (!hasTime || time < _lastTime[4])
            {
                Bad(lineNumber, _timeColumn, hasTime ? "time goes backwards (before the previous GPS fix)" : "the fix has no time", line);
                return;
            }
        }

        if ((gpsPresent & 3) == 3)
        {
            _lastTime[4] = time;
            _destination.Gps.Add(time, gps[0], gps[1], (gpsPresent & 4) != 0 ? (float)gps[2] : float.NaN);
            _report.Accepted();
        }

        for (var sensor = 0; sensor < 4; sensor++)
        {
            if (present[sensor * 3])
            {
                _lastTime[sensor] = time;
                _destination[(ImuSensor)sensor].Add(time, values[sensor * 3], values[(sensor * 3) + 1], values[(sensor * 3) + 2]);
                _report.Accepted();
            }
        }
    }

    // What is wrong with a GPS field, in words without its value; null when it is a latitude, longitude or speed.
    private static string? GpsProblem(int role, bool parsed, double value)
    {
        var (what, unit) = role switch
        {
            GpsLatitudeRole => ("latitude", "degrees"),
            GpsLongitudeRole => ("longitude", "degrees"),
            _ => ("speed", "m/s"),
        };
        if (!parsed || !double.IsFinite(value))
        {
            return $"the {what} is not a number in {unit}";
        }

        return role switch
        {
            GpsLatitudeRole when Math.Abs(value) > 90 => "the latitude is beyond ±90 degrees",
            GpsLongitudeRole when Math.Abs(value) > 180 => "the longitude is beyond ±180 degrees",
            GpsSpeedRole when value is < 0 or > 100 => "the speed is not within 0–100 m/s",
            _ => null,
        };
    }

    /// <summary>
    /// 1 s in the units times are held in while parsing: nanoseconds, or for numbers whose unit is told only after the
    /// file (<see cref="ImuTimeFormat.Auto"/>) the unit an epoch time of that size has (s, ms, µs or ns since 1970,
    /// 2001–2286); 0 for other numbers (elapsed times), whose steps back are then all refused as before.
    /// </summary>
    private long OneSecond(long time)
    {
        var scale = _time.ProvisionalScale;
        if (scale == 0)
        {
            return OneSecondNs;
        }

        var number = Math.Abs((double)time / scale);
        return number is >= 1e9 and < 1e10 ? scale
            : number is >= 1e12 and < 1e13 ? scale * 1_000
            : number is >= 1e15 and < 1e16 ? scale * 1_000_000
            : number is >= 1e18 and < 1e19 ? scale * 1_000_000_000
            : 0;
    }

    private void StepBack(long lineNumber, ImuSensor sensor, double stepMs, ReadOnlySpan<byte> line)
    {
        _steppedBack++;
        if (_steppedBack <= MaxStepBackWarnings)
        {
            var more = _steppedBack == MaxStepBackWarnings ? "; further ones in this file are dropped without a warning each" : "";
            _warnings.Add(new IngestError(lineNumber, $"{_file.Name}:{_timeColumn}", $"time steps back {stepMs:F1} ms before the previous {sensor} reading (under 1 s, as a sensor batch's seam does): reading dropped{more}", Excerpt.Of(line)));
        }
    }

    private void Bad(long lineNumber, string? field, string reason, ReadOnlySpan<byte> line)
    {
        var named = field is null ? _file.Name : $"{_file.Name}:{field}";
        if (_unterminated)
        {
            // A logger killed mid-write leaves its last line cut off; the recording before it is whole, so that line
            // alone does not refuse it, in either mode.
            _warnings.Add(new IngestError(lineNumber, named, $"the last line has no line end (the logger stopped while writing it) and {reason}: skipped", Excerpt.Of(line)));
            return;
        }

        if (_reject)
        {
            throw TelematicsFormatException.For(lineNumber, named, reason, line);
        }

        _report.Rejected(lineNumber, named, reason, line);
    }
}
