namespace EtlWeb.Components;

/// <summary>
/// Lets a stop with browsers open end at once. SignalR closes the Blazor circuits when the stop begins, the browser
/// reconnects at once, and a circuit that gets in before Kestrel stops listening is never closed: Kestrel then waits
/// for it until the host's shutdown timeout, and the hosted services that stop after it get a cancelled token
/// (dotnet/aspnetcore#58947). So once the stop has begun a circuit request is refused (503; the browser shows its
/// reconnect notice and finds the next start), and one that is open when it begins is aborted.
/// </summary>
internal sealed class CircuitsDuringStop(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/_blazor"))
        {
            await next(context);
            return;
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await using var abort = lifetime.ApplicationStopping.Register(context.Abort);
        await next(context);
    }
}
