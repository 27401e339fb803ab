using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Security;

/// <summary>A job's process is started by a real EtlWeb whose environment holds its secrets, as compose passes them.</summary>
public sealed class JobEnvironmentTests : ChildAppTest
{
    private const string SmtpPassword = "smtp-password-4f1c9a";
    private const string ConnectionString = "Host=db;Database=etlweb;Username=etlweb;Password=pg-password-77b2";

    [Fact]
    public async Task A_job_running_env_sees_none_of_EtlWebs_secrets_and_the_passed_through_variables_only()
    {
        var settings = new Dictionary<string, string>
        {
            ["EtlWeb__Smtp__Password"] = SmtpPassword,
            ["EtlWeb__Database__ConnectionString"] = ConnectionString,
            ["ConnectionStrings__Warehouse"] = ConnectionString,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_gcServer"] = "0",
            ["EtlWeb__PassEnvironment"] = "TEAM_*",
            ["TEAM_BUCKET"] = "s3://team-bucket",
            ["UNRELATED_SECRET"] = "not-for-jobs-91d0",
        };
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWeb.Testing.EtlWebChild.FreeAddress(), settings);
        using var client = app.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("show-environment").With("command", "env | sort"));

        var runId = await client.RunJobAsync(job);
        Assert.Equal("Succeeded", (await client.WaitForEndAsync(runId)).Status);
        var log = await client.LogAsync(runId, "?stream=stdout");

        Assert.Contains("TEAM_BUCKET=s3://team-bucket", log, StringComparison.Ordinal);
        Assert.Contains("PATH=", log, StringComparison.Ordinal);
        foreach (var secret in new[] { EtlWeb.Testing.EtlWebChild.BootstrapToken, SmtpPassword, "pg-password-77b2", "not-for-jobs-91d0" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        foreach (var prefix in new[] { "EtlWeb__", "ConnectionStrings__", "ASPNETCORE_", "DOTNET_", "Urls=" })
        {
            Assert.DoesNotContain(prefix, log, StringComparison.OrdinalIgnoreCase);
        }
    }
}
