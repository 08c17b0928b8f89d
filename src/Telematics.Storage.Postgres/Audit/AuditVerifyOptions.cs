namespace Telematics.Storage.Postgres.Audit;

/// <summary>What <see cref="AuditLog.VerifyAsync(AuditVerifyOptions, CancellationToken)"/> checks beyond the hash chain itself.</summary>
public sealed class AuditVerifyOptions
{
    /// <summary>
    /// The anchor key (the public key is enough). With it every anchor's signature is checked; without it the anchors'
    /// head hashes are still compared with the chain (a careless rewrite is caught) but a forged anchor is not.
    /// </summary>
    public IAuditSigningKeyProvider? Key { get; init; }

    /// <summary>
    /// Public keys of earlier rotations: anchors signed with one of them have their signatures checked too. An anchor whose
    /// key is neither <see cref="Key"/> nor one of these is counted as unverifiable (<see cref="AuditVerification.UnverifiableAnchors"/>),
    /// not as a break: it proves nothing, but its head hash is still compared with the chain.
    /// </summary>
    public IReadOnlyList<IAuditSigningKeyProvider> PreviousKeys { get; init; } = [];

    /// <summary>The copy of the anchors kept outside the database; every anchor in it must be in <c>audit_anchors</c>, unchanged.</summary>
    public AuditAnchorJournal? Journal { get; init; }

    /// <summary>
    /// How old a row may be without a signed anchor covering it: rows after the newest anchor that are older than this
    /// make the verdict not intact (a rewrite of them would go unnoticed). <see langword="null"/> (the default) does not
    /// check; set it to a little over twice the anchoring interval.
    /// </summary>
    public TimeSpan? MaxUnanchoredAge { get; init; }
}
