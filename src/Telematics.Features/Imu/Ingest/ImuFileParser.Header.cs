using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Imu.Ingest;

// The header line: which column holds the time, each sensor's axes and the GPS fields, checked against the file's mapping.
internal sealed partial class ImuFileParser
{
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
            if (string.Equals(name, _timeColumn, StringComparison.OrdinalIgnoreCase))
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

                var axis = string.Equals(name, axes.X, StringComparison.OrdinalIgnoreCase) ? 0
                    : string.Equals(name, axes.Y, StringComparison.OrdinalIgnoreCase) ? 1
                    : string.Equals(name, axes.Z, StringComparison.OrdinalIgnoreCase) ? 2 : -1;
                if (axis >= 0 && _roles[column] < 0)
                {
                    _roles[column] = 1 + (sensor * 3) + axis;
                    found[(sensor * 3) + axis] = true;
                }
            }

            if (_file.Gps is { } gps && _roles[column] < 0)
            {
                _roles[column] = string.Equals(name, gps.Latitude, StringComparison.OrdinalIgnoreCase) ? GpsLatitudeRole
                    : string.Equals(name, gps.Longitude, StringComparison.OrdinalIgnoreCase) ? GpsLongitudeRole
                    : gps.Speed is not null && string.Equals(name, gps.Speed, StringComparison.OrdinalIgnoreCase) ? GpsSpeedRole : -1;
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
        if (time < 0)
        {
            throw new TelematicsFormatException(1, _timeColumn, $"{_file.Name}: the header has no time column '{_timeColumn}'", string.Empty);
        }

        if (_file.Gps is { } columns && gpsFound != 3)
        {
            var name = (gpsFound & 1) == 0 ? columns.Latitude : columns.Longitude;
            throw new TelematicsFormatException(1, name, $"{_file.Name}: the header has no GPS column '{name}'", string.Empty);
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
                    throw new TelematicsFormatException(1, name, $"{_file.Name}: the header has no {(ImuSensor)sensor} column '{name}'", string.Empty);
                }
            }
        }
    }
}
