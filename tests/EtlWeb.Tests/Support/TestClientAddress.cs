using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace EtlWeb.Tests.Support;

/// <summary>
/// The in-memory test server has no client address; a request with <see cref="Header"/> comes from the address it
/// names, so a test can act as two machines. Runs before the whole app, as the connection would.
/// </summary>
internal sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var address))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            }

            return following(context);
        });
        next(app);
    };
}
