namespace Telematics.Service.Scoring;

/// <summary>What a <see cref="ScoringRunner"/> invocation has committed so far: counted per chunk, in commit order.</summary>
internal sealed class RunTally
{
    /// <summary>Committed chunks.</summary>
    public int Chunks { get; private set; }

    /// <summary>Drivers scored and stored.</summary>
    public int Scored { get; private set; }

    /// <summary>Drivers without trips in the period (nothing stored for them).</summary>
    public int NoTrips { get; private set; }

    /// <summary>Shadow scores stored beside the served ones.</summary>
    public int Shadows { get; private set; }

    /// <summary>Drivers that could not be scored, with the reason.</summary>
    public List<ScoringRunFailure> Failed { get; } = [];

    /// <summary>Scored drivers per experiment variant served.</summary>
    public SortedDictionary<string, int> ByVariant { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts a committed chunk.</summary>
    public void Add(StoredBatchResult result)
    {
        Chunks++;
        foreach (var outcome in result.Outcomes)
        {
            switch (outcome.Status)
            {
                case DriverScoreStatus.Scored:
                    Scored++;
                    Shadows += outcome.Score!.ShadowScores.Count;
                    if (outcome.Score.Experiment is { } assignment)
                    {
                        ByVariant[assignment.Variant] = ByVariant.GetValueOrDefault(assignment.Variant) + 1;
                    }

                    break;
                case DriverScoreStatus.NoTrips:
                    NoTrips++;
                    break;
                default:
                    Failed.Add(new ScoringRunFailure(outcome.DriverId, outcome.Reason ?? outcome.Status.ToString()));
                    break;
            }
        }
    }
}
