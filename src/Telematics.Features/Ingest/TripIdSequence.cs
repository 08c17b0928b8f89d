using Telematics.Features.Samples;

namespace Telematics.Features.Ingest;

/// <summary>
/// A reader's memory of the last accepted record's trip id, so that the first record of a new id is marked
/// <see cref="SampleFlags.TripIdChanged"/>: exact where the tag alone would miss two ids that share it.
/// </summary>
/// <remarks>
/// Records are compared in arrival order, and cleaning later sorts them by time: a record earlier than the last one
/// compared is late (a retried batch), so it is neither marked nor remembered, or its mark would cut a trip where the
/// sort puts it. A late first record of a new id then leaves the cut to the tag or to the next in-order record.
/// </remarks>
internal struct TripIdSequence
{
    private ulong _last;
    private long _lastT;
    private bool _has;

    /// <summary>Marks <paramref name="sample"/> when its id differs from the previous accepted record's; call only for records being accepted.</summary>
    /// <param name="sample">The record's sample.</param>
    /// <param name="key">Its id's key (<see cref="RecordError.TripKey"/>); ignored when the sample names no trip.</param>
    public void Accept(ref TelematicsSample sample, ulong key)
    {
        if ((sample.Flags & SampleFlags.TripIdKnown) == 0 || (_has && sample.TimestampUnixMs < _lastT))
        {
            // No id (the change is judged between the records that have one), or a late record.
            return;
        }

        if (_has && key != _last)
        {
            sample = sample with { Flags = sample.Flags | SampleFlags.TripIdChanged };
        }

        _last = key;
        _lastT = sample.TimestampUnixMs;
        _has = true;
    }
}
