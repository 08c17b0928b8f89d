using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Schema;
using Telematics.Scoring.Recommendations;

namespace Telematics.Scoring.Tests.Recommendations;

public sealed class RecommenderTests
{
    private static readonly Dictionary<string, double> Contributions = new()
    {
        [TelematicsFeatures.NightShare] = 6.2,
        [TelematicsFeatures.HarshBrakingPer100Km] = 9.5,
        [TelematicsFeatures.PhoneMinutesPerHour] = 3.1,
        [TelematicsFeatures.SpeedingShare] = 1.0,
        [TelematicsFeatures.MotorwayShare] = -4.0,
        [TelematicsFeatures.RapidAccelerationPer100Km] = -1.5,
    };

    private static readonly Dictionary<string, double> Driver = new()
    {
        [TelematicsFeatures.NightShare] = 0.18,
        [TelematicsFeatures.HarshBrakingPer100Km] = 4.25,
        [TelematicsFeatures.PhoneMinutesPerHour] = 2.5,
        [TelematicsFeatures.SpeedingShare] = 0.07,
        [TelematicsFeatures.MotorwayShare] = 0.45,
    };

    private static readonly Dictionary<string, PopulationFigure> Population = new()
    {
        [TelematicsFeatures.NightShare] = new(0.06, 0.03),
        [TelematicsFeatures.HarshBrakingPer100Km] = new(1.2, 0.5),
        [TelematicsFeatures.PhoneMinutesPerHour] = new(0.8, double.NaN),
        [TelematicsFeatures.MotorwayShare] = new(0.2, double.NaN),
    };

    [Fact]
    public void Tips_come_largest_contribution_first_and_stop_at_the_limit()
    {
        var tips = Recommender.Recommend(Contributions, Driver, Population);

        Assert.Equal(
            [TelematicsFeatures.HarshBrakingPer100Km, TelematicsFeatures.NightShare, TelematicsFeatures.PhoneMinutesPerHour],
            tips.Select(t => t.Feature));
        Assert.All(tips, t => Assert.Equal(RecommendationKind.Improve, t.Kind));
    }

    [Fact]
    public void A_tip_names_its_factor_with_the_drivers_and_the_populations_figures_in_units()
    {
        var tip = Recommender.Recommend(Contributions, Driver, Population)[0];

        Assert.Equal(
            "Your harsh braking is 4.3 per 100 km, against 1.2 per 100 km for the typical driver; it added 9.5 points to your risk score. "
            + "Leaving a bigger gap to the vehicle ahead lets you brake gently. A good figure is 0.5 per 100 km.",
            tip.Text);
        Assert.Equal(4.25, tip.DriverValue);
        Assert.Equal(1.2, tip.PopulationValue);
    }

    [Fact]
    public void Shares_are_shown_as_percentages()
    {
        var tip = Recommender.Recommend(Contributions, Driver, Population)[1];

        Assert.StartsWith("Your share of kilometres driven at night (22:00–05:00) is 18 %, against 6 % for the typical driver", tip.Text, StringComparison.Ordinal);
        Assert.EndsWith("A good figure is 3 %.", tip.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Factors_that_lower_risk_get_no_tip_unless_praise_is_asked_for()
    {
        var all = new RecommendationOptions { MaxTips = 10 };
        Assert.DoesNotContain(Recommender.Recommend(Contributions, Driver, Population, all), t => t.Contribution < 0);

        var withPraise = Recommender.Recommend(Contributions, Driver, Population, all with { IncludePraise = true, MaxPraise = 2 });
        var praise = withPraise.Where(t => t.Kind == RecommendationKind.Praise).ToList();

        Assert.Equal([TelematicsFeatures.MotorwayShare, TelematicsFeatures.RapidAccelerationPer100Km], praise.Select(p => p.Feature));
        Assert.Equal(
            "Much of your driving is on motorways, the safest roads per km. Your share of kilometres on motorways is 45 %, against 20 % for the typical driver; it took 4 points off your risk score.",
            praise[0].Text);
        Assert.Equal(RecommendationKind.Praise, withPraise[^1].Kind);
    }

    [Fact]
    public void Missing_figures_are_left_out_of_the_sentence()
    {
        var tip = Recommender.Recommend(new Dictionary<string, double> { [TelematicsFeatures.SpeedingShare] = 2 }, driverValues: null, population: null)[0];

        Assert.Equal(
            "Your share of time over the speed limit added 2 points to your risk score. Staying within the limit, especially in towns, lowers your risk.",
            tip.Text);
        Assert.True(double.IsNaN(tip.DriverValue));
    }

    [Fact]
    public void A_factor_that_would_show_as_0_points_gets_no_tip_or_praise()
    {
        var contributions = new Dictionary<string, double>
        {
            [TelematicsFeatures.NightShare] = 0.04,
            [TelematicsFeatures.HarshBrakingPer100Km] = 0.2,
            [TelematicsFeatures.MotorwayShare] = -0.03,
        };

        var items = Recommender.Recommend(contributions, null, null, new RecommendationOptions { IncludePraise = true });

        var tip = Assert.Single(items);
        Assert.Equal(TelematicsFeatures.HarshBrakingPer100Km, tip.Feature);
        Assert.Contains(" added 0.2 points to your risk score.", tip.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.96, "1 point to")]
    [InlineData(1.04, "1 point to")]
    [InlineData(1.05, "1.1 points to")]
    [InlineData(0.94, "0.9 points to")]
    public void Singular_or_plural_follows_the_points_shown(double contribution, string expected)
    {
        var tip = Recommender.Recommend(new Dictionary<string, double> { [TelematicsFeatures.NightShare] = contribution }, null, null)[0];

        Assert.Contains($"added {expected} your risk score", tip.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_without_a_template_gets_a_generic_sentence()
    {
        var tip = Recommender.Recommend(
            new Dictionary<string, double> { ["school_zone_share"] = 1.25 },
            new Dictionary<string, double> { ["school_zone_share"] = 0.3 },
            new Dictionary<string, PopulationFigure> { ["school_zone_share"] = new(0.1, double.NaN) })[0];

        Assert.Equal("Factor 'school_zone_share', yours is 0.3, against 0.1 for the typical driver; it added 1.3 points to your risk score.", tip.Text);
    }

    [Fact]
    public void Every_feature_of_the_schema_has_its_own_sentence()
    {
        foreach (var feature in TelematicsFeatures.Schema.Features.ToArray())
        {
            var tip = Recommender.Recommend(new Dictionary<string, double> { [feature.Name] = 1 }, null, null)[0];
            Assert.StartsWith("Your ", tip.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_non_finite_contribution_is_refused_naming_the_feature()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Recommender.Recommend(new Dictionary<string, double> { ["night_share"] = double.NaN }, null, null));
        Assert.Contains("night_share", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public Property Tips_are_the_largest_positive_contributions_in_a_stable_order(NormalFloat[] values, PositiveInt maxTips)
    {
        var names = TelematicsFeatures.Schema.Features.ToArray().Select(f => f.Name).ToArray();
        var contributions = new Dictionary<string, double>();
        for (var i = 0; i < values.Length && i < names.Length; i++)
        {
            contributions[names[i]] = Math.Round(values[i].Get, 1); // rounding makes ties common
        }

        var options = new RecommendationOptions { MaxTips = maxTips.Get % 8 };
        var tips = Recommender.Recommend(contributions, null, null, options);
        var expected = contributions.Where(c => c.Value > 0)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(options.MaxTips).Select(c => c.Key);

        var reversed = Recommender.Recommend(contributions.Reverse().ToDictionary(), null, null, options);
        return (tips.Select(t => t.Feature).SequenceEqual(expected)
                && reversed.Select(t => t.Feature).SequenceEqual(expected)).ToProperty();
    }
}
