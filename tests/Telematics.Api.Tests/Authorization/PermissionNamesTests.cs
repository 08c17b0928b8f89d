using FsCheck.Xunit;
using Telematics.Api.Authorization;

namespace Telematics.Api.Tests.Authorization;

public sealed class PermissionNamesTests
{
    [Fact]
    public void Every_permission_has_a_distinct_area_colon_verb_name_that_parses_back()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var permission in PermissionNames.All)
        {
            var name = permission.ToName();
            Assert.Matches("^[a-z]+:[a-z]+$", name);
            Assert.True(names.Add(name), $"{name} is used twice");
            Assert.True(PermissionNames.TryParse(name, out var parsed));
            Assert.Equal(permission, parsed);
        }
    }

    [Property]
    public bool Parsing_accepts_exactly_the_declared_names(string? text)
    {
        var input = text ?? string.Empty;
        var declared = false;
        foreach (var permission in PermissionNames.All)
        {
            declared |= permission.ToName() == input;
        }

        return PermissionNames.TryParse(input, out _) == declared;
    }

    [Fact]
    public void An_unknown_role_holds_no_permission_and_admin_holds_all()
    {
        Assert.True(RolePermissions.Of("superuser").IsEmpty);
        Assert.Equal(PermissionNames.All.Length, RolePermissions.Of(Roles.Admin).Length);
        Assert.False(RolePermissions.Grants(Roles.Driver, Permission.RiskBatch));
        Assert.False(RolePermissions.Grants(Roles.Analyst, Permission.DriversWrite));
        Assert.True(RolePermissions.IsConfinedToOwnDriver(Roles.Driver));
        Assert.False(RolePermissions.IsConfinedToOwnDriver(Roles.Analyst));
    }

    [Fact]
    public void Analysts_read_the_dashboards_but_not_the_audit_log_or_the_partitions()
    {
        Assert.True(RolePermissions.Grants(Roles.Analyst, Permission.DashboardRead));
        Assert.False(RolePermissions.Grants(Roles.Analyst, Permission.AuditRead));
        Assert.False(RolePermissions.Grants(Roles.Analyst, Permission.AdminRead));
        Assert.False(RolePermissions.Grants(Roles.Driver, Permission.DashboardRead));
    }
}
