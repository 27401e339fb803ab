using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Api;

/// <summary>Pins what other test classes rely on when they reuse <see cref="EtlWebFactory"/>.</summary>
public sealed class EtlWebFactoryTests
{
    [Fact]
    public async Task App_database_and_logs_live_in_the_factory_s_own_data_directory()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();

        await client.CreateJobAsync(JobsClient.ShellJob("extract"));

        Assert.StartsWith(Path.GetTempPath(), factory.DataDirectory, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "etlweb.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "logs")));
    }

    [Fact]
    public async Task Dispose_deletes_the_data_directory()
    {
        var factory = new EtlWebFactory();
        using (var client = factory.CreateClient())
        {
            await client.CreateJobAsync(JobsClient.ShellJob("extract"));
        }

        await factory.DisposeAsync();

        Assert.False(Directory.Exists(factory.DataDirectory));
    }

    [Fact]
    public async Task Extra_settings_reach_the_app_configuration()
    {
        await using var factory = new EtlWebFactory { Settings = { ["EtlWeb:Node:Name"] = "probe-node" } };

        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        Assert.Equal("probe-node", configuration["EtlWeb:Node:Name"]);
        Assert.Equal(factory.DataDirectory, configuration["EtlWeb:DataDirectory"]);
    }

    [Fact]
    public async Task Service_overrides_replace_the_app_s_registrations()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        using var client = factory.CreateClient();

        await client.CreateJobAsync(JobsClient.ShellJob("extract"));

        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        Assert.Equal(clock.GetUtcNow(), (await db.Jobs.SingleAsync()).CreatedAt);
    }

    [Fact]
    public async Task Second_factory_on_a_kept_data_directory_sees_the_first_one_s_jobs()
    {
        string directory;
        await using (var first = new EtlWebFactory { DeleteDataDirectoryOnDispose = false })
        {
            directory = first.DataDirectory;
            using var client = first.CreateClient();
            await client.CreateJobAsync(JobsClient.ShellJob("extract"));
        }

        await using var second = new EtlWebFactory { DataDirectory = directory };
        using var secondClient = second.CreateClient();

        var jobs = await secondClient.GetDocumentAsync<List<JobDocument>>("/api/jobs");
        Assert.Equal("extract", Assert.Single(jobs).Name);
    }
}
