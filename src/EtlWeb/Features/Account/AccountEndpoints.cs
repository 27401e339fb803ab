using EtlWeb.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace EtlWeb.Features.Account;

public static class AccountEndpoints
{
    /// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign a user out.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn, AuditLog audit, IAntiforgery antiforgery, HttpContext context) =>
        {
            // The endpoint binds no form, so the antiforgery middleware would only note a bad token: check it here.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest("The sign-out form is out of date: reload the page and try again.");
            }

            await audit.RecordAsync(AuditActions.SignOut, context.User.Identity?.Name ?? "");
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
        return app;
    }
}
