using Telematics.Features.Schema;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Tests.Results;

public sealed class DataQualityPhoneTests
{
    [Theory]
    [InlineData(120f, float.NaN, DataQualityGrade.Fair)] // driven, no phone use recorded (a black box)
    [InlineData(120f, 0f, DataQualityGrade.Good)] // recorded, never handled
    [InlineData(0f, float.NaN, DataQualityGrade.Good)] // nothing driven: nothing unmeasured
    public void Driving_with_no_phone_use_recorded_grades_the_data_fair_so_the_phone_use_a_model_rates_earns_less_credibility(float km, float phone, DataQualityGrade grade)
    {
        var features = new float[TelematicsFeatures.Schema.Count];
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = km;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = phone;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMovingShare)] = phone;

        Assert.Equal(grade, DataQuality.Grade(features));
    }
}
