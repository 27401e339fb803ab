using EtlWeb.Security;
using Hangfire.Dashboard;

namespace EtlWeb.Features.Security;

/// <summary>Hangfire's dashboard shows EtlWeb's queue: Admins only (and read-only, so nothing there goes behind EtlWeb's back).</summary>
internal sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        EtlRoles.Allows(EtlRoles.All.LastOrDefault(context.GetHttpContext().User.IsInRole), EtlRoles.Admin);
}
