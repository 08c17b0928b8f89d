using System.Runtime.CompilerServices;

namespace Telematics.Features.Extraction;

/// <summary>
/// Counts threshold events of one kind in a stream of intervals: an episode is a run of samples over the
/// threshold; it is an event when it lasts at least the minimum duration, and an event that starts less than
/// the merge gap after the previous one ended extends it instead of counting again.
/// </summary>
/// <remarks>A sample describes the interval (previous sample, this sample], so one 1 Hz sample lasts 1 s.</remarks>
internal struct EventDetector
{
    private const long NoEvent = long.MinValue / 2;

    public long Count;
    private bool _inEpisode;
    private long _start;
    private long _end;
    private long _lastEventEnd;
    private long _eventStart;

    public static EventDetector Create() => new() { _lastEventEnd = NoEvent };

    public readonly bool InEpisode => _inEpisode;

    /// <summary>Start of the latest event (an episode merged into it leaves its start and moves its end).</summary>
    public readonly long EventStart => _eventStart;

    /// <summary>End of the latest event, or a large negative number before the first.</summary>
    public readonly long EventEnd => _lastEventEnd;

    /// <summary>Closes an open episode at the end of the stream, so that it counts when long enough.</summary>
    public void Finish(long minMs, long mergeMs)
    {
        if (_inEpisode)
        {
            Close(minMs, mergeMs);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(bool over, long intervalStart, long intervalEnd, long minMs, long mergeMs)
    {
        if (over)
        {
            if (!_inEpisode)
            {
                _inEpisode = true;
                _start = intervalStart;
            }

            _end = intervalEnd;
        }
        else if (_inEpisode)
        {
            Close(minMs, mergeMs);
        }
    }

    /// <summary>Events counted so far plus the open episode if it already qualifies as a new event.</summary>
    public readonly long CountWithOpenEpisode(long minMs, long mergeMs)
    {
        if (_inEpisode && _end - _start >= minMs && _start - _lastEventEnd >= mergeMs)
        {
            return Count + 1;
        }

        return Count;
    }

    private void Close(long minMs, long mergeMs)
    {
        _inEpisode = false;
        if (_end - _start < minMs)
        {
            return;
        }

        if (_start - _lastEventEnd >= mergeMs)
        {
            Count++;
            _eventStart = _start;
        }

        _lastEventEnd = _end;
    }
}
