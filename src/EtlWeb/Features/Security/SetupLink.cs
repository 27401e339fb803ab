using System.Security.Cryptography;
using System.Text;
using EtlWeb.Configuration;
using EtlWeb.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>
/// There is no default password: on a start with no users, EtlWeb makes a one-time link, prints it to its log,
/// and the first visitor through it creates the administrator. The link dies with that account or with a restart.
/// </summary>
public sealed class SetupLink(IServiceScopeFactory scopes, PublicLinks links, IHostApplicationLifetime lifetime, ILogger<SetupLink> logger)
    : IHostedService
{
    public const string Path = "/account/setup";

    private readonly Lock _gate = new();
    private string? _token;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _token is not null;
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in EtlRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        lock (_gate)
        {
            _token = token;
        }

        lifetime.ApplicationStarted.Register(() => logger.LogInformation(
            "No user exists yet. Create the administrator at {SetupUrl} (this link works once, until a restart)",
            $"{links.BaseAddress}{Path}?token={token}"));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool Accepts(string? token)
    {
        lock (_gate)
        {
            return _token is not null && token is not null
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(_token), Encoding.UTF8.GetBytes(token));
        }
    }

    /// <summary>Closes the link for good once the administrator exists.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _token = null;
        }
    }
}
