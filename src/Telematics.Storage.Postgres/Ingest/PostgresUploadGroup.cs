using Npgsql;

using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Several drivers' uploads (<see cref="IUploadGroup"/>) in one PostgreSQL transaction on one pooled connection: their
/// events in one binary COPY straight into <c>telematics_events</c>, their audit rows and the COMMIT in one round trip.
/// PostgreSQL spends about as much CPU on each COPY statement and commit of a few hundred rows as on the rows themselves,
/// so a stream's small batches are stored for less together than one by one.
/// </summary>
internal sealed class PostgresUploadGroup : IUploadGroup
{
    private readonly DurableTransaction _durable;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _timeProvider;
    private readonly bool _writeDomainEvents;
    private readonly List<PostgresUploadSession> _members = [];
    private bool _released;

    private PostgresUploadGroup(DurableTransaction durable, PartitionManager partitions, TimeProvider timeProvider, bool writeDomainEvents)
    {
        _durable = durable;
        _connection = durable.Connection;
        _transaction = durable.Transaction;
        _partitions = partitions;
        _timeProvider = timeProvider;
        _writeDomainEvents = writeDomainEvents;
    }

    internal static async Task<PostgresUploadGroup> BeginAsync(
        NpgsqlDataSource dataSource, PartitionManager partitions, TimeProvider timeProvider, bool writeDomainEvents, CancellationToken cancellationToken)
    {
        var durable = await DurableTransaction.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        return new PostgresUploadGroup(durable, partitions, timeProvider, writeDomainEvents);
    }

    public IUploadSession Join(long driverId, AuditActor actor)
    {
        actor.Validate();
        ObjectDisposedException.ThrowIf(_released, this);
        foreach (var member in _members)
        {
            if (member.DriverId == driverId)
            {
                throw new ArgumentException($"Driver {driverId} is in this upload group already; store its next upload after the group.", nameof(driverId));
            }
        }

        var session = PostgresUploadSession.Member(this, _connection, _transaction, _partitions, _timeProvider, driverId, actor, _writeDomainEvents);
        _members.Add(session);
        return session;
    }

    public async Task<bool> MergeAsync(IReadOnlyList<IUploadSession> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        var sessions = new List<PostgresUploadSession>(members.Count);
        var rows = new List<DriverSamples>(members.Count);
        var months = new List<PartitionMonth>(2);
        foreach (var member in members)
        {
            if (member is not PostgresUploadSession session || !_members.Contains(session))
            {
                throw new ArgumentException("Every member must be an upload this group opened.", nameof(members));
            }

            sessions.Add(session);
            if (session.Held is { } held)
            {
                rows.Add(new DriverSamples(session.DriverId, held));
            }

            foreach (var month in session.Months)
            {
                if (!months.Contains(month))
                {
                    months.Add(month);
                }
            }
        }

        if (sessions.Count == 0)
        {
            return true;
        }

        await _partitions.EnsureMonthsAsync(_connection, _transaction, months, sessions[0].Actor, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 0 && await EventCopyEncoder.TryCopyNewAsync(_connection, _transaction, rows, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        foreach (var session in sessions)
        {
            session.MergedByGroup(session.Held?.Count ?? 0);
        }

        return true;
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_released, this);
        var rows = new List<(AuditActor Actor, AuditChange Change)>(_members.Count);
        foreach (var member in _members)
        {
            if (member.Audit is { } change)
            {
                rows.Add((member.Actor, change));
            }
        }

        var now = _timeProvider.GetUtcNow();
        return _durable.CommitAsync(token => AuditWriter.AppendManyAndCommitAsync(_connection, _transaction, now, rows, token), cancellationToken);
    }

    /// <summary>Rolls back an uncommitted group (nothing of any member is stored) and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        foreach (var member in _members)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }

        await _durable.DisposeAsync().ConfigureAwait(false);
    }
}
