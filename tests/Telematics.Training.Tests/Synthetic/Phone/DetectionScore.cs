using Telematics.Features.Imu.Manoeuvres;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>Event-level matching counts per manoeuvre kind: a detection matches a labelled event of the same kind when their spans overlap.</summary>
internal sealed class DetectionScore
{
    private static readonly int Kinds = Enum.GetValues<ManoeuvreKind>().Length;

    private readonly int[] _labelled = new int[Kinds];
    private readonly int[] _found = new int[Kinds];
    private readonly int[] _detected = new int[Kinds];
    private readonly int[] _correct = new int[Kinds];

    public void Add(IReadOnlyList<LabelledManoeuvre> labels, IReadOnlyList<Manoeuvre> detections)
    {
        foreach (var label in labels)
        {
            if (label.Kind is not { } kind)
            {
                continue;
            }

            _labelled[(int)kind]++;
            foreach (var d in detections)
            {
                if (d.Kind == kind && Overlaps(d.StartNs, d.EndNs, label.StartNs, label.EndNs))
                {
                    _found[(int)kind]++;
                    break;
                }
            }
        }

        foreach (var d in detections)
        {
            _detected[(int)d.Kind]++;
            foreach (var label in labels)
            {
                if (label.Kind == d.Kind && Overlaps(d.StartNs, d.EndNs, label.StartNs, label.EndNs))
                {
                    _correct[(int)d.Kind]++;
                    break;
                }
            }
        }
    }

    public int Labelled(ManoeuvreKind kind) => _labelled[(int)kind];

    public int Detected(ManoeuvreKind kind) => _detected[(int)kind];

    /// <summary>Matched detections over detections; 1 when nothing was detected and nothing was labelled.</summary>
    public double Precision(ManoeuvreKind kind) => _detected[(int)kind] == 0 ? (_labelled[(int)kind] == 0 ? 1 : 0) : (double)_correct[(int)kind] / _detected[(int)kind];

    /// <summary>Labelled events found over labelled events.</summary>
    public double Recall(ManoeuvreKind kind) => _labelled[(int)kind] == 0 ? 1 : (double)_found[(int)kind] / _labelled[(int)kind];

    private static bool Overlaps(long aStart, long aEnd, long bStart, long bEnd) => aStart < bEnd && bStart < aEnd;
}
