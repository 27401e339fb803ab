using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace EtlWeb.Security;

/// <summary>
/// One per circuit: every inbound event (a click, a navigation, a JS call) runs with the circuit's user as the
/// <see cref="CurrentActor"/>. A circuit whose user is gone acts as a user without a role, which may do nothing.
/// </summary>
internal sealed class ActorCircuitHandler(AuthenticationStateProvider authentication, CurrentActor actors, IHttpContextAccessor http)
    : CircuitHandler, IDisposable
{
    private static readonly Actor Nobody = new("anonymous", null, null);

    private Actor _actor = Nobody;
    private string? _address;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The hub connection's request: the browser's address for the audit log.
        _address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        authentication.AuthenticationStateChanged += OnAuthenticationStateChanged;
        await UpdateAsync(authentication.GetAuthenticationStateAsync());
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            using (actors.Enter(_actor))
            {
                await next(context);
            }
        };

    private void OnAuthenticationStateChanged(Task<AuthenticationState> state) => _ = UpdateAsync(state);

    private async Task UpdateAsync(Task<AuthenticationState> state)
    {
        var user = (await state).User;
        _actor = user.Identity?.IsAuthenticated == true ? Actor.From(user, _address) : Nobody;
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationStateChanged;
}
