
namespace EtlWeb.Security;

/// <summary>
/// The actor of the current request or circuit event, flowing with the async context: set by
/// <see cref="ActorMiddleware"/> for HTTP requests and by <see cref="ActorCircuitHandler"/> for each inbound
/// circuit event, so the singleton services that change things can check the role and write the audit log
/// without every caller passing the user down. EtlWeb's engine enters <see cref="Actor.System"/> at each of its
/// entry points (<see cref="AsSystem"/>); no actor at all is nobody, who may do nothing.
/// </summary>
public sealed class CurrentActor
{
    private static readonly AsyncLocal<Actor?> Ambient = new();

    public Actor? Value => Ambient.Value;

    /// <summary>
    /// Runs what follows as EtlWeb's engine, until disposed: a background service's loop, a Hangfire job, a singleton's
    /// timers and subscriptions (they keep the context they were made in).
    /// </summary>
    public static IDisposable AsSystem() => Set(Actor.System);

    /// <summary>Runs what follows as nobody: an anonymous request must not inherit whoever started the server's loop.</summary>
    public static IDisposable AsNobody() => Set(null);

    public IDisposable Enter(Actor actor) => Set(actor);

    /// <summary>Refuses the action unless there is an actor and it holds <paramref name="minimumRole"/>.</summary>
    public void Demand(string minimumRole, string action)
    {
        if (Value is not { } actor)
        {
            throw new AccessDeniedException($"Nobody may {action}: EtlWeb acts only for a signed-in user, an API token or its own engine.");
        }

        if (!EtlRoles.Allows(actor.Role, minimumRole))
        {
            throw new AccessDeniedException(
                $"{actor.Name} ({actor.Role ?? "no role"}) may not {action}: that needs the {minimumRole} role.");
        }
    }

    /// <summary>
    /// Refuses the action at once unless the actor holds <paramref name="minimumRole"/> somewhere (globally or in a
    /// folder): what a job-scoped action checks before it looks the job up, and then <see cref="Demand(string, string, string)"/>.
    /// </summary>
    public void DemandSomewhere(string minimumRole, string action)
    {
        if (Value is { } actor && !EtlRoles.Allows(actor.Role, minimumRole) && actor.HoldsSomewhere(minimumRole))
        {
            return;
        }

        Demand(minimumRole, action);
    }

    /// <summary>
    /// Refuses the action on a job in <paramref name="folder"/> unless the actor holds <paramref name="minimumRole"/> there:
    /// globally, or by a grant on the folder or one above it.
    /// </summary>
    public void Demand(string minimumRole, string action, string folder)
    {
        if (Value is not { } actor)
        {
            Demand(minimumRole, action);
            return;
        }

        if (!EtlRoles.Allows(actor.RoleIn(folder), minimumRole))
        {
            var where = folder.Length == 0 ? "the root folder" : $"folder '{folder}'";
            throw new AccessDeniedException($"{actor.Name} may not {action} in {where}: that needs the {minimumRole} role there.");
        }
    }

    /// <summary>The actor now, to be entered again by work that runs later on another's behalf (a refresh on an event).</summary>
    public static Func<IDisposable> Capture()
    {
        var actor = Ambient.Value;
        return () => Set(actor);
    }

    private static Restore Set(Actor? actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Restore(previous, Data.FolderVisibility.Restrict(actor?.VisibleFolders));
    }

    private sealed class Restore(Actor? previous, IDisposable folders) : IDisposable
    {
        public void Dispose()
        {
            folders.Dispose();
            Ambient.Value = previous;
        }
    }
}
