namespace Telematics.Features.Ingest;

/// <summary>
/// A reader's memory of the driver its first accepted record named (a CSV mapping's <c>driver_id</c>), so that a record
/// naming another is refused: one file or upload holds one driver's events, and two drivers' rows would be read as one's trips.
/// </summary>
/// <remarks>Fixed by an accepted record only, so that a first record refused for another reason cannot make every good one "another driver".</remarks>
internal struct DriverSequence
{
    public const string OtherDriver = "names another driver than the records before it: a file or upload holds one driver's events (split it by this column)";

    private ulong _first;

    /// <summary>Whether a record naming <paramref name="key"/> (<see cref="RecordError.DriverKey"/>; 0 for none) may be accepted; remembers the first key accepted.</summary>
    public bool Accept(ulong key)
    {
        if (key == 0)
        {
            return true;
        }

        if (_first == 0)
        {
            _first = key;
        }

        return key == _first;
    }
}
