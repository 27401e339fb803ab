using Microsoft.AspNetCore.Identity;

namespace EtlWeb.Features.Security;

/// <summary>
/// API calls that change something must carry a token. The sign-in cookie still reads the API (the export
/// download, the API reference), but a cookie rides along with any request the browser sends, also one that
/// a page of a sibling site or another port of this host forges, and SameSite=Lax does not stop those.
/// </summary>
internal sealed class CookieApiWrites(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // A webhook call is authorised by the token in its address, not by a cookie, so a forged one carries nothing.
        if (context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/api/hooks")
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme)
        {
            return Results.Problem(
                    "Changes through the API need an API token (Authorization: Bearer), not the sign-in cookie: create one under your user menu -> API tokens.",
                    statusCode: StatusCodes.Status403Forbidden)
                .ExecuteAsync(context);
        }

        return next(context);
    }
}
