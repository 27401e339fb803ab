using EtlWeb.Core.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Engine;

public sealed class QueueAndDeliveryTests : IAsyncLifetime
{
    private readonly EtlWebFactory _factory = new()
    {
        Settings = { ["EtlWeb:MaxConcurrentJobs"] = "1", ["EtlWeb:KillGraceSeconds"] = "1" },
    };

    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Cancelling_a_queued_run_ends_it_before_any_attempt_starts()
    {
        var blocker = JobsClient.ShellJob("blocker");
        blocker["command"] = "sleep 300";
        var quick = JobsClient.ShellJob("quick");
        var blockerRun = await _client.RunJobAsync(await _client.CreateJobAsync(blocker));
        await _client.WaitForStatusAsync(blockerRun, "Running");
        var queuedRun = await _client.RunJobAsync(await _client.CreateJobAsync(quick));

        var (status, _) = await _client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{queuedRun}/cancel", "{}");
        await _client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{blockerRun}/cancel", "{}");
        await _client.WaitForEndAsync(blockerRun);
        var run = await _client.WaitForEndAsync(queuedRun);

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal("Cancelled", run.Status());
        var attempt = Assert.Single(run.Attempts())!;
        Assert.Equal("Cancelled", attempt["status"]!.GetValue<string>());
        Assert.Null(attempt["started_at"]);
    }

    [Fact]
    public async Task A_second_delivery_of_the_same_attempt_starts_no_second_process()
    {
        var counter = Path.Combine(_factory.DataDirectory, "starts");
        var job = JobsClient.ShellJob("once");
        job["command"] = $"echo started >> {counter}; sleep 1";
        var created = await _client.CreateJobAsync(job);
        var runs = _factory.Services.GetRequiredService<EtlWeb.Features.Runs.RunService>();
        var run = (await runs.TriggerAsync(created["id"]!.GetValue<int>(), TriggerKind.Manual)).Run!;
        var attemptId = (await _client.GetJsonAsync($"/api/runs/{run.Id}"))!.Attempts()[0]!["id"]!.GetValue<long>();

        // Hangfire delivers the attempt once; these are the extra deliveries a crash or a timeout would cause.
        var executor = _factory.Services.GetRequiredService<AttemptExecutor>();
        await Task.WhenAll(
            executor.ExecuteAsync(attemptId, CancellationToken.None),
            _factory.Services.GetRequiredService<AttemptExecutor>().ExecuteAsync(attemptId, CancellationToken.None));
        var ended = await _client.WaitForEndAsync(run.Id);
        await executor.ExecuteAsync(attemptId, CancellationToken.None);

        Assert.Equal("Succeeded", ended.Status());
        Assert.Single(ended.Attempts());
        Assert.Equal(["started"], File.ReadAllLines(counter));
    }
}
