using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Imu.Ingest;

// The header line: which column holds the time, each sensor's axes and the GPS fields, checked against the file's mapping.
internal sealed partial class ImuFileParser
{
    // Time columns of common loggers, tried when the mapping keeps the default name and the header lacks it. A sensor
    // event clock comes first: it stamps each reading as the sensor took it, where a wall clock stamps when it was written.
    private static readonly string[] CommonTimeColumns = ["uptimeNanos", "elapsedRealtimeNanos", "timestamp", "time", "seconds_elapsed", "t"];

    // Where the times must line up with UTC (ImuReaderOptions.PreferWallClock) the wall clock comes first instead.
    private static readonly string[] CommonTimeColumnsWallClockFirst = ["timestamp", "time", "uptimeNanos", "elapsedRealtimeNanos", "seconds_elapsed", "t"];

    private void ReadHeader(ReadOnlySpan<byte> line)
    {
        var separator = (byte)_mapping.Separator;
        var time = -1;
        var gpsFound = 0;
        Span<bool> found = stackalloc bool[12];
        var column = 0;
        while (true)
        {
            if (column == MaxColumns)
            {
                throw new TelematicsFormatException(1, null, $"{_file.Name}: more than {MaxColumns} columns", Excerpt.Of(line));
            }

            var end = line.IndexOf(separator);
            var field = end < 0 ? line : line[..end];
            var name = System.Text.Encoding.UTF8.GetString(Utf8Numbers.Trim(field)).Trim('"');
            _names[column] = name;
            _roles[column] = -1;

            // "X (m/s^2)", "gyro_x [rad/s]": loggers that write the unit in the header name the axis before it.
            var bare = WithoutUnit(name);
            if (Is(name, bare, _timeColumn))
            {
                _roles[column] = 0;
                time = column;
            }

            for (var sensor = 0; sensor < 4; sensor++)
            {
                if (_file.Columns((ImuSensor)sensor) is not { } axes)
                {
                    continue;
                }

                var axis = Is(name, bare, axes.X) ? 0 : Is(name, bare, axes.Y) ? 1 : Is(name, bare, axes.Z) ? 2 : -1;
                if (axis >= 0 && _roles[column] < 0)
                {
                    _roles[column] = 1 + (sensor * 3) + axis;
                    found[(sensor * 3) + axis] = true;
                }
            }

            if (_file.Gps is { } gps && _roles[column] < 0)
            {
                _roles[column] = Is(name, bare, gps.Latitude) ? GpsLatitudeRole
                    : Is(name, bare, gps.Longitude) ? GpsLongitudeRole
                    : gps.Speed is not null && Is(name, bare, gps.Speed) ? GpsSpeedRole : -1;
                gpsFound |= _roles[column] == GpsLatitudeRole ? 1 : _roles[column] == GpsLongitudeRole ? 2 : 0;
            }

            column++;
            if (end < 0)
            {
                break;
            }

            line = line[(end + 1)..];
        }

        _columns = column;
        if (time < 0 && _file.TimeColumn is null && string.Equals(_timeColumn, DefaultTimeColumn, StringComparison.Ordinal))
        {
            time = CommonTimeColumn();
        }

        if (time < 0)
        {
            throw new TelematicsFormatException(1, _timeColumn, $"{_file.Name}: the header has no time column '{_timeColumn}'{HeaderColumns()}", string.Empty);
        }

        if (_file.Gps is { } columns && gpsFound != 3)
        {
            var name = (gpsFound & 1) == 0 ? columns.Latitude : columns.Longitude;
            throw new TelematicsFormatException(1, name, $"{_file.Name}: the header has no GPS column '{name}'{HeaderColumns()}", string.Empty);
        }

        for (var sensor = 0; sensor < 4; sensor++)
        {
            if (_file.Columns((ImuSensor)sensor) is not { } axes)
            {
                continue;
            }

            for (var axis = 0; axis < 3; axis++)
            {
                if (!found[(sensor * 3) + axis])
                {
                    var name = axis == 0 ? axes.X : axis == 1 ? axes.Y : axes.Z;
                    throw new TelematicsFormatException(1, name, $"{_file.Name}: the header has no {(ImuSensor)sensor} column '{name}'{HeaderColumns()}", string.Empty);
                }
            }
        }
    }

    private static bool Is(string name, string bare, string wanted) =>
        string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(bare, wanted, StringComparison.OrdinalIgnoreCase);

    private static string WithoutUnit(string name)
    {
        var open = name.LastIndexOfAny(['(', '[']);
        return open > 0 && name[^1] is ')' or ']' ? name[..open].TrimEnd() : name;
    }

    /// <summary>
    /// After the header: whether it has a sensor-event clock column (the first two of <see cref="CommonTimeColumns"/>)
    /// and a wall-clock one (<c>timestamp</c>, <c>time</c>).
    /// </summary>
    public (bool Sensor, bool Wall) ClockColumns()
    {
        bool sensor = false, wall = false;
        for (var column = 0; column < _columns; column++)
        {
            var name = _names[column];
            var bare = WithoutUnit(name);
            sensor |= Is(name, bare, CommonTimeColumns[0]) || Is(name, bare, CommonTimeColumns[1]);
            wall |= Is(name, bare, CommonTimeColumns[2]) || Is(name, bare, CommonTimeColumns[3]);
        }

        return (sensor, wall);
    }

    /// <summary>The first of <see cref="CommonTimeColumns"/> in the header that holds nothing else, made the time column; -1 when none is.</summary>
    private int CommonTimeColumn()
    {
        foreach (var candidate in _preferWallClock ? CommonTimeColumnsWallClockFirst : CommonTimeColumns)
        {
            for (var column = 0; column < _columns; column++)
            {
                if (_roles[column] < 0 && Is(_names[column], WithoutUnit(_names[column]), candidate))
                {
                    _roles[column] = 0;
                    _timeColumn = _names[column];
                    return column;
                }
            }
        }

        return -1;
    }

    /// <summary>The header's columns for an error message, and the separator it seems to use when it is one field.</summary>
    private string HeaderColumns()
    {
        var names = string.Join(", ", _names.Take(_columns).Select(n => $"'{n}'"));
        var only = _columns == 1 ? _names[0] : string.Empty;
        var hint = only.Contains(';', StringComparison.Ordinal) ? "; it is one field: set \"separator\": \";\" in the mapping"
            : only.Contains('\t', StringComparison.Ordinal) ? "; it is one field: set \"separator\": \"\\t\" in the mapping"
            : string.Empty;
        return $" (its columns: {names}){hint}";
    }
}
