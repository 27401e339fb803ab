namespace EtlWeb.Features.Security;

/// <summary>
/// Headers on every response: no sniffing, no framing, no referrer to other sites, and a content security policy
/// that lets pages load scripts only from EtlWeb itself. The API reference and Hangfire's dashboard carry inline
/// scripts of their own, so their pages allow inline scripts.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    private const string Policy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; " +
        "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private static readonly string Strict = Policy + "; script-src 'self'";
    private static readonly string InlineScripts = Policy + "; script-src 'self' 'unsafe-inline'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        var path = context.Request.Path;
        headers.ContentSecurityPolicy = path.StartsWithSegments("/api/docs") || path.StartsWithSegments("/hangfire") ? InlineScripts : Strict;
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        return next(context);
    }
}
