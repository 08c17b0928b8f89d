using Telematics.Api.Authorization;
using Telematics.Api.Live;

namespace Telematics.Api.Tests.Live;

public sealed class LiveAccessTests
{
    private static readonly Permission[] Everything = [Permission.DriversRead, Permission.RiskRead, Permission.PricingRead];

    [Fact]
    public void A_role_that_reads_drivers_but_not_premiums_hears_no_driver()
    {
        Permission[] driversOnly = [Permission.DriversRead, Permission.RiskRead];

        Assert.False(LiveAccess.ReadsTheBook(driversOnly, confinedToOwnDriver: false));
        Assert.False(LiveAccess.MayWatch(driversOnly, confinedToOwnDriver: false, ownDriver: null, driverId: 7));
        Assert.False(LiveAccess.MayWatch(driversOnly, confinedToOwnDriver: true, ownDriver: 7, driverId: 7));
    }

    [Fact]
    public void A_role_that_reads_drivers_but_not_scores_hears_no_driver()
    {
        Permission[] noScores = [Permission.DriversRead, Permission.PricingRead];

        Assert.False(LiveAccess.ReadsTheBook(noScores, confinedToOwnDriver: false));
        Assert.False(LiveAccess.MayWatch(noScores, confinedToOwnDriver: false, ownDriver: null, driverId: 7));
    }

    [Fact]
    public void A_driver_hears_only_itself_and_never_the_book()
    {
        Assert.False(LiveAccess.ReadsTheBook(Everything, confinedToOwnDriver: true));
        Assert.True(LiveAccess.MayWatch(Everything, confinedToOwnDriver: true, ownDriver: 7, driverId: 7));
        Assert.False(LiveAccess.MayWatch(Everything, confinedToOwnDriver: true, ownDriver: 7, driverId: 8));
        Assert.False(LiveAccess.MayWatch(Everything, confinedToOwnDriver: true, ownDriver: null, driverId: 7));
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Analyst)]
    public void The_roles_that_read_the_book_today_still_hear_it(string role)
    {
        Assert.True(LiveAccess.ReadsTheBook(RolePermissions.Of(role), RolePermissions.IsConfinedToOwnDriver(role)));
        Assert.True(LiveAccess.MayWatch(RolePermissions.Of(role), RolePermissions.IsConfinedToOwnDriver(role), ownDriver: null, driverId: 7));
    }
}
