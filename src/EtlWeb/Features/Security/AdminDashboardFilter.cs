using Hangfire.Dashboard;

namespace EtlWeb.Features.Security;

/// <summary>Hangfire's dashboard can delete and requeue jobs behind EtlWeb's back: Admins only.</summary>
internal sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        EtlRoles.Allows(EtlRoles.All.LastOrDefault(context.GetHttpContext().User.IsInRole), EtlRoles.Admin);
}
