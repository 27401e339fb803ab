namespace EtlWeb.Features.Security;

/// <summary>
/// The actor of the current request or circuit event, flowing with the async context: set by
/// <see cref="ActorMiddleware"/> for HTTP requests and by <see cref="ActorCircuitHandler"/> for each inbound
/// circuit event, so the singleton services that change things can check the role and write the audit log
/// without every caller passing the user down. No actor means EtlWeb itself (scheduler, pipeline, start-up).
/// </summary>
public sealed class CurrentActor
{
    private static readonly AsyncLocal<Actor?> Ambient = new();

    public Actor? Value => Ambient.Value;

    public IDisposable Enter(Actor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Restore(previous);
    }

    /// <summary>Refuses the action unless the actor holds <paramref name="minimumRole"/>; EtlWeb itself may do anything.</summary>
    public void Demand(string minimumRole, string action)
    {
        if (Value is { } actor && !EtlRoles.Allows(actor.Role, minimumRole))
        {
            throw new AccessDeniedException(
                $"{actor.Name} ({actor.Role ?? "no role"}) may not {action}: that needs the {minimumRole} role.");
        }
    }

    private sealed class Restore(Actor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
