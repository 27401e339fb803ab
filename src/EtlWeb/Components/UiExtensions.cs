using EtlWeb.Features.Account;
using EtlWeb.Features.Designer;
using EtlWeb.Features.Security;
using MudBlazor.Services;

namespace EtlWeb.Components;

public static class UiExtensions
{
    public static WebApplicationBuilder AddEtlWebUi(this WebApplicationBuilder builder)
    {
        // Serves MudBlazor's _content/ files from the build output when not published, in any environment.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DependencyEditor>();
        builder.Services.AddSingleton<BoxPositionStore>();
        builder.Services.AddSingleton<HiddenNeighbourReader>();
        return builder;
    }

    public static WebApplication UseEtlWebUi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseMiddleware<CircuitsDuringStop>();
        app.UseEtlWebSecurity();
        app.UseAntiforgery();

        // Styles, scripts and icons: the sign-in page needs them before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");
        app.MapAccountEndpoints();
        return app;
    }
}
