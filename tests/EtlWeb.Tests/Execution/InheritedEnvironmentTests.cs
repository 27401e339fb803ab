using System.Collections;
using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Execution;

public sealed class InheritedEnvironmentTests
{
    /// <summary>EtlWeb's environment as compose and a service manager give it: its secrets beside the ordinary variables.</summary>
    private static readonly Hashtable Server = new()
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["HOME"] = "/home/etl",
        ["LANG"] = "C.UTF-8",
        ["LC_TIME"] = "de_DE.UTF-8",
        ["TZ"] = "Europe/Berlin",
        ["USER"] = "etl",
        ["EtlWeb__Auth__BootstrapToken"] = "bootstrap-secret-value-0123456789abcdef",
        ["ETLWEB__SMTP__PASSWORD"] = "smtp-password",
        ["EtlWeb:Database:ConnectionString"] = "Host=db;Password=pg-password",
        ["ConnectionStrings__Default"] = "Host=db;Password=pg-password",
        ["ASPNETCORE_URLS"] = "http://0.0.0.0:8080",
        ["DOTNET_gcServer"] = "1",
        ["Kestrel__Certificates__Default__Password"] = "cert-password",
        ["AWS_ACCESS_KEY_ID"] = "AKIA-not-passed-by-default",
        ["SOMETHING_ELSE"] = "x",
    };

    [Fact]
    public void By_default_a_job_inherits_the_allow_list_only()
    {
        var inherited = InheritedEnvironment.With([]).Select(Server);

        Assert.Equal(["HOME", "LANG", "LC_TIME", "PATH", "TZ", "USER"], inherited.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("de_DE.UTF-8", inherited["LC_TIME"]);
    }

    [Fact]
    public void Extra_names_and_prefixes_pass_through_but_never_EtlWebs_own_configuration()
    {
        var inherited = InheritedEnvironment.With(["AWS_*", "SOMETHING_ELSE", "Etl*", "ASPNETCORE_URLS"]).Select(Server);

        Assert.Equal("AKIA-not-passed-by-default", inherited["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("x", inherited["SOMETHING_ELSE"]);
        Assert.DoesNotContain(inherited.Keys, name => name.StartsWith("Etl", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("ASPNETCORE_URLS", inherited.Keys);
    }

    [Theory]
    [InlineData("EtlWeb__Auth__BootstrapToken")]
    [InlineData("etlweb__smtp__password")]
    [InlineData("EtlWeb:Database:ConnectionString")]
    [InlineData("ConnectionStrings__Default")]
    [InlineData("ASPNETCORE_ENVIRONMENT")]
    [InlineData("DOTNET_ROOT")]
    [InlineData("Kestrel__Certificates__Default__Password")]
    [InlineData("Serilog__WriteTo__0__Args__apiKey")]
    public void The_configuration_of_EtlWeb_and_dotnet_is_forbidden_in_any_case_and_spelling(string name)
    {
        Assert.True(InheritedEnvironment.IsForbidden(name));
        Assert.False(InheritedEnvironment.With([name, "*"]).Allows(name));
    }

    [Theory]
    [InlineData("EtlWeb__Auth__BootstrapToken", "would pass EtlWeb's own configuration")]
    [InlineData("DOTNET_*", "would pass EtlWeb's own configuration")]
    [InlineData("1BAD", "is not a variable name")]
    [InlineData("A-B", "is not a variable name")]
    [InlineData("*", "is not a variable name")]
    public void A_setting_naming_a_forbidden_or_malformed_variable_is_refused_with_the_name(string name, string reason)
    {
        var problem = Assert.Single(InheritedEnvironment.Problems(InheritedEnvironment.ParseNames($"GOOD_ONE, {name}")));

        Assert.Contains($"'{name}'", problem, StringComparison.Ordinal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_planned_environment_is_the_inherited_part_then_the_jobs_own_variables_then_the_marker()
    {
        var job = Attempts.Shell("env");
        job.Environment["PATH"] = "/opt/tools/bin:/usr/bin:/bin";
        job.Environment["STAGE"] = "load";
        var inherited = InheritedEnvironment.With([]).Select(Server);

        var plan = LaunchPlanner.Plan(job, "m-env", Attempts.TempDirectory, inherited);

        Assert.Equal(
            ["ETLWEB_ATTEMPT", "HOME", "LANG", "LC_TIME", "PATH", "STAGE", "TZ", "USER"],
            plan.Spec!.Environment.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/opt/tools/bin:/usr/bin:/bin", plan.Spec.Environment["PATH"]);
    }

    [Fact]
    public async Task A_real_process_sees_exactly_the_planned_environment_and_nothing_of_its_parents()
    {
        // This test process's own environment is the "server" here: a variable set on it must not reach the child.
        var parentOnly = "ETLWEB_TEST_PARENT_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(parentOnly, "leaked");
        try
        {
            var job = Attempts.Shell("env");
            job.Environment["STAGE"] = "load";

            var (exitCode, output) = await Attempts.RunAsync(job);

            Assert.Equal(0, exitCode);
            var names = output.Lines.Select(l => l.Text.Split('=')[0]).Where(n => n.Length > 0).ToHashSet();
            Assert.Contains("STAGE", names);
            Assert.Contains("ETLWEB_ATTEMPT", names);
            Assert.DoesNotContain(parentOnly, names);
            Assert.DoesNotContain(names, InheritedEnvironment.IsForbidden);
            var allowed = InheritedEnvironment.With([]);

            // The shell adds a few of its own (PWD, SHLVL, _); nothing else may come from the parent.
            Assert.DoesNotContain(names.Except(["STAGE", "ETLWEB_ATTEMPT", "PWD", "OLDPWD", "SHLVL", "_"]), n => !allowed.Allows(n));
        }
        finally
        {
            Environment.SetEnvironmentVariable(parentOnly, null);
        }
    }
}
