using System.Globalization;
using System.Threading.RateLimiting;
using EtlWeb.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Security;

/// <summary>
/// At most <see cref="AuthOptions.SignInsPerMinute"/> posts of the sign-in and setup forms per client address (an IPv6
/// client's /64) and minute: more get 429 with Retry-After, before any password is checked. Everything else is not limited.
/// </summary>
internal static class SignInRateLimit
{
    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AuthOptions>>((limiter, auth) =>
        {
            var perMinute = auth.Value.SignInsPerMinute;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsGuarded(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(SignInGuard.AddressKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                rejected.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await rejected.HttpContext.Response.WriteAsync(
                    $"Too many sign-in attempts from your address. Try again in {seconds} s.", cancellationToken);
            };
        });
        return services;
    }

    private static bool IsGuarded(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments("/account/login") || request.Path.StartsWithSegments(SetupLink.Path));
}
