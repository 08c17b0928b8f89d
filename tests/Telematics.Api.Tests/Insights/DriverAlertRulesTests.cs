using Telematics.Api.Insights;
using Telematics.Features.Schema;

namespace Telematics.Api.Tests.Insights;

public sealed class DriverAlertRulesTests
{
    private static float[] Means(params (string Feature, float Value)[] values)
    {
        var means = new float[TelematicsFeatures.Schema.Count];
        Array.Fill(means, float.NaN);
        foreach (var (feature, value) in values)
        {
            means[TelematicsFeatures.Schema.IndexOf(feature)] = value;
        }

        return means;
    }

    [Fact]
    public void A_value_at_the_threshold_warns_and_at_twice_the_threshold_is_critical()
    {
        var alerts = DriverAlertRules.Evaluate(Means((TelematicsFeatures.HarshBrakingPer100Km, 4f), (TelematicsFeatures.PhoneMinutesPerHour, 2.5f)), 100);

        Assert.Equal(["harsh-braking", "phone-use"], alerts.Select(a => a.Code));
        Assert.Equal(["warning", "critical"], alerts.Select(a => a.Severity));
        Assert.Equal(1, alerts[1].Threshold);
    }

    [Fact]
    public void Values_below_every_threshold_and_missing_values_raise_nothing()
    {
        Assert.Empty(DriverAlertRules.Evaluate(Means((TelematicsFeatures.SpeedingShare, 0.049f)), 100));
    }

    [Fact]
    public void Nothing_is_raised_on_less_than_the_minimum_distance()
    {
        Assert.Empty(DriverAlertRules.Evaluate(Means((TelematicsFeatures.SevereSpeedingShare, 0.5f)), DriverAlertRules.MinimumDistanceKm - 0.1));
    }

    [Fact]
    public void The_message_is_the_same_whatever_the_servers_culture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            var alert = Assert.Single(DriverAlertRules.Evaluate(Means((TelematicsFeatures.HarshBrakingPer100Km, 4.5f)), 100));

            Assert.Contains(": 4.5 (threshold 4).", alert.Message, StringComparison.Ordinal);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }
}
