using EtlWeb.Security;

namespace EtlWeb.Tests.Support;

/// <summary>
/// Who a test acts as when it calls EtlWeb's services directly, as a page's event would for a signed-in user: a call
/// without an actor is refused, as it is in EtlWeb.
/// </summary>
internal static class Acting
{
    private static readonly CurrentActor Actors = new();

    /// <summary>Until disposed, what this test does (and what it starts) is an Admin's.</summary>
    public static IDisposable AsAdmin() => Actors.Enter(new Actor("tester", EtlRoles.Admin, null));
}
