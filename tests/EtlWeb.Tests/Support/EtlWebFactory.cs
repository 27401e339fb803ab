using System.Net.Http.Headers;
using EtlWeb.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Support;

/// <summary>
/// The whole EtlWeb host in memory over a real SQLite file in a fresh temp data directory, deleted on
/// dispose. Extra configuration and service overrides are taken before the host starts, that is before
/// the first use of <c>Services</c>, <c>Server</c> or <c>CreateClient()</c>:
/// <code>new EtlWebFactory { Settings = { ["EtlWeb:Retention:Days"] = "1" }, ConfigureServices = s => s.AddSingleton&lt;TimeProvider&gt;(fake) }</code>
/// Two factories given the same <see cref="DataDirectory"/> one after the other model a restart.
/// </summary>
public sealed class EtlWebFactory : WebApplicationFactory<Program>
{
    /// <summary>The data directory (app DB, Hangfire DB, logs); a fresh temp directory unless set.</summary>
    public string DataDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));

    /// <summary>When false, dispose leaves <see cref="DataDirectory"/> in place (for a restart on the same data).</summary>
    public bool DeleteDataDirectoryOnDispose { get; init; } = true;

    /// <summary>Further configuration keys ("EtlWeb:Section:Key" form), applied after the data directory.</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Service overrides applied after the app's own registrations (a fake clock, a stub, ...).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        EtlWeb.Core.Execution.PrivateDirectory.Ensure(DataDirectory);
        builder.UseEnvironment("Development");
        builder.UseSetting("EtlWeb:DataDirectory", DataDirectory);
        builder.UseSetting("EtlWeb:Auth:BootstrapToken", EtlWebChild.BootstrapToken);

        // Tests create Admins and keep calling as the bootstrap token; the default (it stops) has tests of its own.
        builder.UseSetting("EtlWeb:Auth:KeepBootstrapToken", "true");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddTransient<IStartupFilter, TestClientAddress>());
        if (ConfigureServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    /// <summary>Clients act as the bootstrap token's Admin; a test about sign-in removes or replaces the header.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EtlWebChild.BootstrapToken);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            // Pooled connections keep the database files open; drop them before the directory goes.
            SqliteConnection.ClearAllPools();
            if (DeleteDataDirectoryOnDispose)
            {
                LeftOverCgroups.Remove(DataDirectory);
                await RemoveAsync(DataDirectory);
            }
        }
    }

    /// <summary>
    /// Removes the directory; a file a background thread of the stopped host was still closing (Hangfire's storage
    /// finishes its last poll on its own thread) makes one pass fail with "Directory not empty", so it tries again.
    /// </summary>
    private static async Task RemoveAsync(string directory)
    {
        for (var tries = 1; Directory.Exists(directory); tries++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (tries < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
