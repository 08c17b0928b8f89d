using System.Collections.Frozen;
using Telematics.Features.Schema;

namespace Telematics.Scoring.Recommendations;

/// <summary>What to call each feature of <see cref="TelematicsFeatures.Schema"/> in a sentence, and the advice that goes with it.</summary>
internal static class TipTemplates
{
    /// <param name="Subject">Sentence subject for the driver's figure, e.g. "Your share of km driven at night (22:00–05:00)".</param>
    /// <param name="Advice">What the driver can do; empty when there is nothing actionable.</param>
    /// <param name="Praise">What the driver does well, used for praise.</param>
    public readonly record struct Template(string Subject, string Advice, string Praise);

    public static FrozenDictionary<string, Template> ByFeature { get; } = new Dictionary<string, Template>(StringComparer.Ordinal)
    {
        [TelematicsFeatures.DistanceKm] = new("Your distance driven", "Fewer or shorter journeys, or sharing rides, lowers your exposure.", "You keep your mileage low."),
        [TelematicsFeatures.DrivingHours] = new("Your time at the wheel", "Combining errands into fewer trips cuts time on the road.", "You spend little time on the road."),
        [TelematicsFeatures.TripCount] = new("Your number of trips", "Combining errands into fewer trips lowers your exposure.", "You make few trips."),
        [TelematicsFeatures.MeanTripKm] = new("Your average trip length", "Breaking long drives with a rest every two hours keeps you alert.", "Your trips are of a low-risk length."),
        [TelematicsFeatures.NightShare] = new("Your share of kilometres driven at night (22:00–05:00)", "Moving some of those trips to daylight hours lowers your risk.", "You drive mostly in daylight."),
        [TelematicsFeatures.LateNightShare] = new("Your share of kilometres driven late at night (00:00–04:00)", "Avoiding driving between midnight and 04:00 lowers your risk the most.", "You rarely drive in the small hours."),
        [TelematicsFeatures.RushHourShare] = new("Your share of kilometres driven in weekday rush hours (07–09, 16–19)", "Shifting some trips outside rush hours means fewer close encounters.", "You avoid the rush hours."),
        [TelematicsFeatures.WeekendShare] = new("Your share of kilometres driven at weekends", "Weekend roads carry more leisure and late-night traffic; plan those trips with extra care.", "Your weekend driving is low."),
        [TelematicsFeatures.MeanSpeedKmh] = new("Your average moving speed", "A calmer pace leaves more time to react.", "You drive at a calm pace."),
        [TelematicsFeatures.P95SpeedKmh] = new("Your top speeds (95th percentile)", "Keeping your top speeds down is the quickest way to cut risk.", "Your top speeds stay moderate."),
        [TelematicsFeatures.SpeedingShare] = new("Your share of time over the speed limit", "Staying within the limit, especially in towns, lowers your risk.", "You keep to the speed limits."),
        [TelematicsFeatures.SevereSpeedingShare] = new("Your share of time more than 30 km/h over the limit", "Driving far above the limit is the riskiest habit we measure; keep to the limit.", "You never drive far above the limit."),
        [TelematicsFeatures.VeryHighSpeedShare] = new("Your share of time above 130 km/h where no limit is known", "Keeping below 130 km/h on open roads lowers your risk.", "You keep below 130 km/h on open roads."),
        [TelematicsFeatures.HarshBrakingPer100Km] = new("Your harsh braking", "Leaving a bigger gap to the vehicle ahead lets you brake gently.", "You brake smoothly."),
        [TelematicsFeatures.RapidAccelerationPer100Km] = new("Your rapid accelerations", "Pulling away gently saves fuel and lowers your risk.", "You accelerate gently."),
        [TelematicsFeatures.HarshCorneringPer100Km] = new("Your harsh cornering", "Slowing down before bends rather than in them keeps cornering smooth.", "You corner smoothly."),
        [TelematicsFeatures.MeanAbsJerkMps3] = new("Your average jerkiness (change of acceleration)", "Smoother use of the pedals makes for a safer, more comfortable drive.", "Your pedal work is smooth."),
        [TelematicsFeatures.P95AbsJerkMps3] = new("Your sharpest changes of acceleration (95th percentile)", "Anticipating traffic avoids sudden pedal changes.", "You rarely make sudden pedal changes."),
        [TelematicsFeatures.P95LateralG] = new("Your sideways forces in bends (95th percentile)", "Taking bends more slowly keeps sideways forces low.", "You take bends gently."),
        [TelematicsFeatures.PhoneMinutesPerHour] = new("Your phone handling while driving", "Putting the phone out of reach, or in a hands-free cradle, lowers your risk.", "You leave your phone alone while driving."),
        [TelematicsFeatures.PhoneMovingShare] = new("Your share of moving time with the phone in hand", "Putting the phone out of reach while moving lowers your risk.", "You keep your phone down while moving."),
        [TelematicsFeatures.MotorwayShare] = new("Your share of kilometres on motorways", "", "Much of your driving is on motorways, the safest roads per km."),
        [TelematicsFeatures.PrimaryRoadShare] = new("Your share of kilometres on trunk and primary roads", "Where a motorway goes your way it is usually the safer route.", "Your route choice keeps risk low."),
        [TelematicsFeatures.SecondaryRoadShare] = new("Your share of kilometres on secondary and tertiary roads", "Rural secondary roads have the most serious crashes per km; take them at a calm pace.", "Your route choice keeps risk low."),
        [TelematicsFeatures.LocalRoadShare] = new("Your share of kilometres on residential and service roads", "Watch for pedestrians and cyclists on residential streets.", "Your route choice keeps risk low."),
        [TelematicsFeatures.UnknownRoadShare] = new("Your share of kilometres on roads we could not classify", "", "Your route choice keeps risk low."),
        [TelematicsFeatures.HighRiskAreaShare] = new("Your share of kilometres through high-risk areas", "Where you can, route around the areas with the most crashes.", "You avoid high-risk areas."),
        [TelematicsFeatures.GpsGapShare] = new("Your share of trip time without GPS signal", "Keeping the app running with location access on gives a fairer score.", "Your trips are fully recorded."),
        [TelematicsFeatures.DroppedRecordShare] = new("Your share of readings we had to discard", "Keeping the phone mounted and the app updated gives cleaner readings and a fairer score.", "Your readings are clean."),
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
