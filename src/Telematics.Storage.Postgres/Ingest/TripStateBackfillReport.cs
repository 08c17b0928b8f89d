namespace Telematics.Storage.Postgres.Ingest;

/// <summary>Running totals of a <see cref="TripStateBackfill"/> run.</summary>
public sealed record TripStateBackfillReport
{
    /// <summary>Batches committed.</summary>
    public int Batches { get; init; }

    /// <summary>Trips that got their state.</summary>
    public long Rebuilt { get; init; }

    /// <summary>Of <see cref="Rebuilt"/>, trips whose stored features differed from the replay's and were rewritten.</summary>
    public long Changed { get; init; }

    /// <summary>Trips the replay did not find again (their events are no longer stored): they keep no state.</summary>
    public long Unrecoverable { get; init; }
}
