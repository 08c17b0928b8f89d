using Microsoft.AspNetCore.Authorization;
using Telematics.Api.Auth;

namespace Telematics.Api.Authorization;

/// <summary>Requires that the caller's role grants <see cref="Permission"/> in <see cref="RolePermissions"/>.</summary>
/// <param name="permission">The permission required.</param>
internal sealed class PermissionRequirement(Permission permission) : AuthorizationHandler<PermissionRequirement>, IAuthorizationRequirement
{
    /// <summary>The permission required.</summary>
    public Permission Permission { get; } = permission;

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.GetRole() is { } role && RolePermissions.Grants(role, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"Permission {Permission.ToName()}";
}
