
namespace EtlWeb.Security;

/// <summary>Makes the request's authenticated user the <see cref="CurrentActor"/> while the request runs.</summary>
internal sealed class ActorMiddleware(RequestDelegate next, CurrentActor actors)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            using (CurrentActor.AsNobody())
            {
                await next(context);
            }

            return;
        }

        using (actors.Enter(Actor.From(context.User, context.Connection.RemoteIpAddress?.ToString())))
        {
            await next(context);
        }
    }
}
