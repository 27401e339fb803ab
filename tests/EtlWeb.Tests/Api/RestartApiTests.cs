using System.Net;
using System.Net.Http.Json;
using EtlWeb.Api;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EtlWeb.Tests.Api;

/// <summary>POST /api/restart in process, with a lifetime that records the stop instead of stopping the test host.</summary>
public sealed class RestartApiTests() : HostTest(new EtlWebFactory { ConfigureServices = Record })
{
    private static readonly RecordingLifetime Lifetime = new();

    private static void Record(IServiceCollection services) =>
        services.AddSingleton(provider => new NodeRestart(
            Lifetime, provider.GetRequiredService<AuditLog>(), provider.GetRequiredService<ILogger<NodeRestart>>()));

    [Fact]
    public async Task A_restart_is_audited_stops_the_host_once_and_a_second_request_meanwhile_is_refused()
    {
        using var first = await Client.PostAsync(new Uri("/api/restart", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var answer = (await first.Content.ReadFromJsonAsync<RestartAnswer>())!;
        Assert.Equal("restarting", answer.Status);
        Assert.Equal(Factory.Services.GetRequiredService<RunEngine>().NodeName, answer.Node);
        await Lifetime.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(Factory.Services.GetRequiredService<NodeRestart>().Requested);

        using var second = await Client.PostAsync(new Uri("/api/restart", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.Restarted);
        Assert.Equal(answer.Node, entry.Target);
    }

    private sealed class RecordingLifetime : IHostApplicationLifetime
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped.TrySetResult();
    }
}
