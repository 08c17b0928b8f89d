namespace Telematics.Training.Synthetic;

/// <summary>Plans a simulated driver's day (trip start times and lengths) and each trip's road legs.</summary>
internal static class TripPlanner
{
    /// <summary>Replaces <paramref name="startsUtcMs"/> and <paramref name="kms"/> with the trips of local day <paramref name="date"/>, in start order.</summary>
    public static void PlanDay(ref Xoshiro256 rng, DriverProfile driver, DateOnly date, TimeZoneInfo zone, List<long> startsUtcMs, List<double> kms)
    {
        startsUtcMs.Clear();
        kms.Clear();
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var trips = rng.Poisson(weekend ? 1.8 : 2.4);
        if (trips == 0)
        {
            return;
        }

        var dailyKm = driver.AnnualMileageKm / 365.0 * (weekend ? 0.85 : 1.05);
        var nightShare = Math.Clamp(0.04 * Math.Exp(0.8 * driver.Style.NightPreference), 0.0, 0.6);
        Span<double> hours = stackalloc double[Math.Min(trips, 16)];
        for (var i = 0; i < hours.Length; i++)
        {
            hours[i] = DrawLocalHour(ref rng, weekend, nightShare);
        }

        hours.Sort();
        for (var i = 0; i < hours.Length; i++)
        {
            var local = date.ToDateTime(TimeOnly.MinValue).AddHours(hours[i]);
            if (zone.IsInvalidTime(local))
            {
                local = local.AddHours(1); // the hour skipped at the spring DST change
            }

            var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
            startsUtcMs.Add(new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds());
            var km = dailyKm / hours.Length * Math.Exp(0.5 * NormalTable.Next(ref rng));
            kms.Add(Math.Clamp(km, 1.0, 400.0));
        }
    }

    /// <summary>
    /// Fills the legs of a trip of <paramref name="km"/>: residential at both ends, then collector and
    /// arterial roads, with a motorway in the middle of trips over 15 km.
    /// </summary>
    /// <returns>The number of legs written.</returns>
    public static int PlanRoute(double km, RoadLeg[] kinds, double[] lengthsM)
    {
        var metres = km * 1000;
        var local = Math.Min(800, 0.1 * metres);
        var middle = metres - (2 * local);
        var count = 0;
        Add(RoadLeg.Residential, local);
        if (km > 15)
        {
            Add(RoadLeg.Secondary, 0.08 * middle);
            Add(RoadLeg.Primary, 0.12 * middle);
            Add(RoadLeg.Motorway, 0.6 * middle);
            Add(RoadLeg.Primary, 0.12 * middle);
            Add(RoadLeg.Secondary, 0.08 * middle);
        }
        else
        {
            Add(RoadLeg.Secondary, 0.5 * middle);
            Add(RoadLeg.Primary, 0.5 * middle);
        }

        Add(RoadLeg.Residential, local);
        return count;

        void Add(RoadLeg kind, double legMetres)
        {
            kinds[count] = kind;
            lengthsM[count++] = Math.Max(legMetres, 50);
        }
    }

    private static double DrawLocalHour(ref Xoshiro256 rng, bool weekend, double nightShare)
    {
        var x = rng.NextDouble();
        if (x < nightShare)
        {
            // 22:00–05:00, with more weight before 02:00.
            var h = 22 + (7 * rng.NextDouble() * rng.NextDouble());
            return h >= 24 ? h - 24 : h;
        }

        x = rng.NextDouble();
        if (!weekend && x < 0.45)
        {
            return rng.Chance(0.5) ? rng.Uniform(7, 9) : rng.Uniform(16, 19);
        }

        return x < 0.85 ? rng.Uniform(9, 17) : rng.Uniform(17, 22);
    }
}
