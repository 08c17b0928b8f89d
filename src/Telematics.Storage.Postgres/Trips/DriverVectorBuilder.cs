using System.Globalization;

using Telematics.Features.Aggregation;
using Telematics.Features.Schema;
using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Combines trip rows (driver, trip, start, state), ordered by driver and then start, into a
/// <see cref="DriverVectorMatrix"/>: one reused <see cref="DriverAggregate"/> takes each trip's state, and its vector is
/// written when the driver changes. Nothing is allocated per trip.
/// </summary>
internal sealed class DriverVectorBuilder(int capacity) : TripCopyStream.IRowSink
{
    private readonly DriverAggregate _aggregate = new();
    private readonly int _width = TelematicsFeatures.Schema.Count;
    private long[] _drivers = new long[Math.Max(capacity, 1)];
    private int[] _tripCounts = new int[Math.Max(capacity, 1)];
    private float[] _features = new float[Math.Max(capacity, 1) * TelematicsFeatures.Schema.Count];
    private string?[] _problems = new string?[Math.Max(capacity, 1)];
    private int _driverCount;

    /// <summary>Trip rows received.</summary>
    public int Count { get; private set; }

    public void Add(long driverId, long tripId, long startedAtUnixMs, ReadOnlySpan<byte> state, bool isNull)
    {
        if (_driverCount == 0 || _drivers[_driverCount - 1] != driverId)
        {
            if (_driverCount > 0 && driverId < _drivers[_driverCount - 1])
            {
                throw TripCopyStream.Bad(Count, "driver_id", string.Create(CultureInfo.InvariantCulture, $"{driverId} comes after driver {_drivers[_driverCount - 1]}; rows must be ordered by driver"));
            }

            Flush();
            Open(driverId);
        }

        Count++;
        var row = _driverCount - 1;
        _tripCounts[row]++;
        if (_problems[row] is not null)
        {
            return;
        }

        if (isNull)
        {
            _problems[row] = string.Create(CultureInfo.InvariantCulture,
                $"Trip {tripId} was stored before trips kept their state and has not been rebuilt yet; run `telematics trips backfill` (the host also runs it after migrating).");
            return;
        }

        try
        {
            _aggregate.AddState(state);
        }
        catch (FormatException e)
        {
            _problems[row] = string.Create(CultureInfo.InvariantCulture, $"Trip {tripId} has a state that cannot be read: {e.Message}");
        }
    }

    public DriverVectorMatrix Build()
    {
        Flush();
        return new DriverVectorMatrix(_driverCount, _drivers, _tripCounts, _features, _width, _problems);
    }

    private void Open(long driverId)
    {
        if (_driverCount == _drivers.Length)
        {
            var size = _driverCount * 2;
            Array.Resize(ref _drivers, size);
            Array.Resize(ref _tripCounts, size);
            Array.Resize(ref _problems, size);
            Array.Resize(ref _features, size * _width);
        }

        _drivers[_driverCount] = driverId;
        _tripCounts[_driverCount] = 0;
        _problems[_driverCount] = null;
        _driverCount++;
        _aggregate.Clear();
    }

    private void Flush()
    {
        if (_driverCount == 0)
        {
            return;
        }

        var row = _driverCount - 1;
        var vector = _features.AsSpan(row * _width, _width);
        if (_problems[row] is null)
        {
            _aggregate.WriteFeatures(vector);
        }
        else
        {
            vector.Clear();
        }
    }
}
