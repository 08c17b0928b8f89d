using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>The phone chain's hot path allocates nothing once its buffers have grown (timing is for the benchmarks).</summary>
public sealed class PhoneTripAnalyzerAllocationTests
{
    [Theory]
    [InlineData(SensorFrame.Device)]
    [InlineData(SensorFrame.Earth)]
    public void A_second_analysis_of_a_recording_allocates_nothing(SensorFrame frame)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Frame = frame, MoveMidTrip = true }, 21);
        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>(64);
        var handling = new List<PhoneHandling>(16);
        analyzer.Analyze(trip.Recording, manoeuvres, handling);

        // The least of five analyses: an allocation of the chain shows in every one, while the runtime's own occasional work
        // on this thread (a method recompiled by tiered compilation while the machine is busy) shows in one at most.
        var allocated = Allocations.LeastOf(5, () => analyzer.Analyze(trip.Recording, manoeuvres, handling));

        Assert.NotEmpty(manoeuvres);
        Assert.Equal(0, allocated);
    }
}
