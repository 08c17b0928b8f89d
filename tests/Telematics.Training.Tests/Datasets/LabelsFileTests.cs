using Telematics.Training.Datasets;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Datasets;

public sealed class LabelsFileTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_synth_drivers_file_joins_to_features_with_classical_factors_and_the_true_frequency()
    {
        File.WriteAllText(_path, """
            driver_id,age_band,region,vehicle_class,annual_km,true_lambda,exposure_years,claims,events_file
            D000001,Under25,urban,Performance,9000,0.21,1,1,D000001.csv
            D000000,From40To64,rural,Family,15000,0.04,0.5,0,D000000.csv
            """);

        var data = LabelsFile.Join(_path, [("D000000", Features(1)), ("D000001", Features(2))]);

        Assert.Equal(["D000000", "D000001"], data.DriverIds);
        Assert.Equal([0.5, 1.0], data.ExposureYears.ToArray());
        Assert.Equal([0, 1], data.Claims.ToArray());
        Assert.Equal([0.04, 0.21], data.TrueAnnualFrequency.ToArray());
        Assert.Equal(new ClassicalFactors(AgeBand.Under25, "urban", VehicleClass.Performance, 9000), data.Classical(1));
        Assert.Equal(2f, data.Features(1)[0]);
    }

    [Fact]
    public void Labels_without_classical_factors_or_true_frequency_give_a_telematics_only_dataset()
    {
        File.WriteAllText(_path, "driver_id,exposure_years,claims\na,1,0\n");

        var data = LabelsFile.Join(_path, [("a", Features(1))]);

        Assert.False(data.HasClassicalFactors);
        Assert.False(data.HasTrueFrequency);
    }

    [Fact]
    public void Observed_days_given_with_the_features_are_the_datasets_windows()
    {
        File.WriteAllText(_path, "driver_id,exposure_years,claims\na,1,0\nb,1,1\n");

        var data = LabelsFile.Join(_path, [("b", Features(1)), ("a", Features(2))], [30, 7.5]);

        Assert.True(data.HasObservedDays);
        Assert.Equal([30, 7.5], data.ObservedDays.ToArray());
    }

    [Fact]
    public void A_driver_with_features_twice_is_refused_naming_it_and_its_rows()
    {
        File.WriteAllText(_path, "driver_id,exposure_years,claims\na,1,0\nb,1,1\n");

        var e = Assert.Throws<InvalidDataException>(() => LabelsFile.Join(_path, [("a", Features(1)), ("b", Features(2)), ("a", Features(3))]));

        Assert.Contains("Driver 'a' has features twice (rows 1 and 3)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("driver_id,exposure_years,claims\na,0,0\n", "line 2, column 'exposure_years'")]
    [InlineData("driver_id,exposure_years,claims\na,1,-1\n", "line 2, column 'claims'")]
    [InlineData("driver_id,claims\na,1\n", "no column 'exposure_years'")]
    [InlineData("driver_id,exposure_years,claims,region\na,1,0,urban\n", "all of age_band")]
    [InlineData("driver_id,exposure_years,claims\nb,1,0\n", "driver 'a' has features but no line")]
    [InlineData("driver_id,exposure_years,claims,age_band,region,vehicle_class,annual_km\na,1,0,Under25,urban,Small,NaN\n", "line 2, column 'annual_km': must be a positive number, not 'NaN'")]
    [InlineData("driver_id,exposure_years,claims,age_band,region,vehicle_class,annual_km\na,1,0,Under25,urban,Small,-5\n", "line 2, column 'annual_km': must be a positive number, not '-5'")]
    [InlineData("driver_id,exposure_years,claims,age_band,region,vehicle_class,annual_km\na,1,0,Under25,urban,Small,Infinity\n", "line 2, column 'annual_km'")]
    [InlineData("driver_id,exposure_years,claims,true_lambda\na,1,0,0\n", "line 2, column 'true_lambda': must be a positive number, not '0'")]
    [InlineData("driver_id,exposure_years,claims,true_lambda\na,1,0,-0.1\n", "line 2, column 'true_lambda'")]
    [InlineData("driver_id,exposure_years,claims,true_lambda\na,1,0,NaN\n", "line 2, column 'true_lambda'")]
    public void Bad_labels_are_refused_with_the_line_and_column(string content, string expected)
    {
        File.WriteAllText(_path, content);

        var e = Assert.Throws<InvalidDataException>(() => LabelsFile.Join(_path, [("a", Features(1))]));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static float[] Features(float first)
    {
        var v = new float[TrainingDataset.FeatureCount];
        v[0] = first;
        return v;
    }
}
