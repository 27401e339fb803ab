using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Security;

public static class SecurityExtensions
{
    private const string CookieOrBearer = "CookieOrBearer";

    public static IServiceCollection AddEtlWebSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLoopbackHostCheck(configuration);
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<CurrentActor>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<UserAdmin>();
        services.AddSingleton<FolderGrants>();
        services.AddSingleton<SetupLink>();
        services.AddSingleton<SignInGuard>();
        services.AddSingleton<AdminPresence>();
        services.AddScoped<PasswordSignIn>();
        services.AddSignInRateLimit();
        services.AddHostedService(provider => provider.GetRequiredService<SetupLink>());
        services.AddKeyRing(configuration);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrBearer;
                o.DefaultChallengeScheme = CookieOrBearer;
            })
            .AddPolicyScheme(CookieOrBearer, "Sign-in cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddIdentityCookies();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.Password.RequiredLength = 10;
            o.Password.RequiredUniqueChars = 4;
            o.Password.RequireDigit = false;
            o.Password.RequireLowercase = false;
            o.Password.RequireUppercase = false;
            o.Password.RequireNonAlphanumeric = false;
            o.Lockout.MaxFailedAccessAttempts = auth.Value.MaxFailedSignIns;
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.Value.LockoutMinutes);
            o.Lockout.AllowedForNewUsers = true;
        });
        services.AddIdentityCore<IdentityUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<EtlDbContext>()
            .AddClaimsPrincipalFactory<FolderClaimsFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "EtlWeb.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
        });
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ExpireTimeSpan = TimeSpan.FromMinutes(auth.Value.SessionMinutes));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "EtlWeb.Antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthorizationBuilder()
            // Secure by default: a route added later without a policy still needs a signed-in user.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            // A role granted in some folders lets its holder through the routes of that role; the services then check
            // the folder of the job at hand (CurrentActor.Demand), and jobs of other folders are not even found.
            .AddPolicy(EtlPolicies.View, p => p.RequireAssertion(c => Actor.From(c.User, null).HoldsSomewhere(EtlRoles.Viewer)))
            .AddPolicy(EtlPolicies.Operate, p => p.RequireAssertion(c => Actor.From(c.User, null).HoldsSomewhere(EtlRoles.Operator)))
            .AddPolicy(EtlPolicies.EditJobs, p => p.RequireAssertion(c => Actor.From(c.User, null).HoldsSomewhere(EtlRoles.Admin)))
            .AddPolicy(EtlPolicies.Administer, p => p.RequireRole(EtlRoles.AtLeast(EtlRoles.Admin)));
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingUserStateProvider>();
        services.AddScoped<CircuitHandler, ActorCircuitHandler>();
        return services;
    }

    public static WebApplication UseEtlWebSecurity(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseSameOriginCircuit(app.Configuration);
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CookieApiWrites>();
        app.UseMiddleware<ActorMiddleware>();
        return app;
    }

    /// <summary>
    /// The Data Protection key ring (it encrypts cookies, secret variables, SMTP password and webhook URL) lives in
    /// <c>keys/</c> in the data directory, readable by EtlWeb's user only. Back it up with the databases. On PostgreSQL
    /// it is the table data_protection_keys instead, as every node must read what another encrypted.
    /// </summary>
    private static void AddKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("EtlWeb");

        // The start-up check has already loaded it once, so a bad file or password never gets this far.
        if ((configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions()).Load() is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate);
        }

        services.AddOptions<KeyManagementOptions>().Configure<IOptions<EtlWebOptions>, IOptions<DatabaseOptions>, IServiceProvider, ILoggerFactory>((o, etl, database, provider, loggers) =>
        {
            if (database.Value.IsPostgreSql)
            {
                o.XmlRepository = new EntityFrameworkCoreXmlRepository<PostgresEtlDbContext>(provider, loggers);
                return;
            }

            var directory = Path.Combine(etl.Value.FullDataDirectory, "keys");
            PrivateDirectory.Ensure(directory);

            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), loggers);
        });
    }

    /// <summary>
    /// The one start-up line about the key ring: where it lives and whether it is encrypted at rest. It replaces Data
    /// Protection's own warning about an unencrypted key (filtered out of the log), which says neither.
    /// </summary>
    public static string KeyRingNote(IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var etl = configuration.GetSection(EtlWebOptions.Section).Get<EtlWebOptions>() ?? new EtlWebOptions();
        var where = database.IsPostgreSql ? "the PostgreSQL table data_protection_keys" : Path.Combine(etl.FullDataDirectory, "keys");
        var keyRing = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        return keyRing.Certificate.Length > 0
            ? $"The Data Protection key ring in {where} is encrypted at rest with the certificate in {keyRing.Certificate}; keep that file with the backups."
            : $"The Data Protection key ring (it encrypts sign-in cookies, secret variables and the notification credentials) is in {where}, "
                + $"readable by EtlWeb's user only and not encrypted at rest; back it up with the databases. To encrypt it, set {KeyRingOptions.Section}:Certificate to a .pfx file.";
    }

    /// <summary>Data Protection's warning that a new key is stored unencrypted: <see cref="KeyRingNote"/> says it, with where and what to do.</summary>
    public static bool IsUnencryptedKeyWarning(Serilog.Events.LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var id)
        && id is Serilog.Events.StructureValue eventId
        && eventId.Properties.Any(p => p is { Name: "Name", Value: Serilog.Events.ScalarValue { Value: "NoXMLEncryptorConfiguredKeyMayBePersistedToStorageInUnencryptedForm" } });

    /// <summary>API and dashboard callers get a status code, not a redirect to a sign-in page they cannot use.</summary>
    private static Task Refuse(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi")
            || path.StartsWithSegments("/_blazor"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
