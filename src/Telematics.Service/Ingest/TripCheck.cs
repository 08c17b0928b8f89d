using Telematics.Features.Aggregation;
using Telematics.Features.Pipeline;
using Telematics.Features.Schema;

namespace Telematics.Service.Ingest;

/// <summary>What a trip must be to be stored: its row and the drivers' vectors combined from its state can never disagree.</summary>
public static class TripCheck
{
    /// <summary>
    /// Checks that a trip can be stored: a vector of the schema's width and a state of exactly one trip whose vector it is,
    /// bit for bit.
    /// </summary>
    /// <param name="trip">The trip.</param>
    /// <param name="parameter">The caller's parameter name, for the exception.</param>
    /// <exception cref="ArgumentException">The vector's width, the state, or a feature that is not the state's, named.</exception>
    public static void Ensure(TripFeatures trip, string parameter)
    {
        ArgumentNullException.ThrowIfNull(trip);
        var width = TelematicsFeatures.Schema.Count;
        if (trip.Features.Length != width)
        {
            throw new ArgumentException($"A trip feature vector holds {width} values (schema {TelematicsFeatures.SchemaName} v{TelematicsFeatures.SchemaVersion}); got {trip.Features.Length}.", parameter);
        }

        if (trip.State.IsEmpty)
        {
            throw new ArgumentException("The trip has no state: store trips measured by a DriverFeaturePipeline, whose State the drivers' vectors are combined from.", parameter);
        }

        DriverAggregate aggregate;
        try
        {
            aggregate = DriverAggregate.FromState(trip.State.Span);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The trip's state cannot be read: {e.Message}", parameter, e);
        }

        if (aggregate.TripCount != 1)
        {
            throw new ArgumentException($"The trip's state holds {aggregate.TripCount} trips; a stored trip's state holds one.", parameter);
        }

        Span<float> vector = stackalloc float[width];
        aggregate.WriteFeatures(vector);
        var features = trip.Features.Span;
        for (var i = 0; i < vector.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(vector[i]) != BitConverter.SingleToInt32Bits(features[i]))
            {
                throw new ArgumentException($"The trip's feature '{TelematicsFeatures.Schema.Features[i].Name}' is {features[i]} but its state gives {vector[i]}: the vector is not the state's.", parameter);
            }
        }
    }
}
