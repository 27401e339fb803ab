using System.Runtime.Versioning;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Execution;

[SupportedOSPlatform("linux")]
public sealed class LaunchPlannerTests
{
    private static readonly string DefaultShell = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";

    [Fact]
    public void Shell_command_runs_through_setsid_and_the_shell_with_the_marker_in_the_environment()
    {
        var job = Attempts.Shell("echo hi");
        job.Environment["STAGE"] = "load";

        var plan = Attempts.Plan(job, "m-1");

        Assert.Null(plan.Error);
        Assert.Equal("/usr/bin/setsid", plan.Spec!.FileName);
        Assert.Equal([DefaultShell, "-c", "echo hi"], plan.Spec.Arguments);
        Assert.Equal("m-1", plan.Spec.Marker);
        Assert.Equal("m-1", plan.Spec.Environment[ProcessTree.MarkerVariable]);
        Assert.Equal("load", plan.Spec.Environment["STAGE"]);
        Assert.Null(plan.ScriptPath);
    }

    [Fact]
    public void Python_command_is_execed_through_the_shell_with_the_interpreter_quoted_and_output_unbuffered()
    {
        var job = new Job { Kind = JobKind.Python, Command = "etl.py --day 1" };

        var plan = Attempts.Plan(job, "m-2");

        Assert.Equal([DefaultShell, "-c", "exec 'python3' etl.py --day 1"], plan.Spec!.Arguments);
        Assert.Equal("1", plan.Spec.Environment["PYTHONUNBUFFERED"]);
    }

    [Theory]
    [InlineData("python3 daily_etl.py", "exec python3 daily_etl.py")]
    [InlineData("'/usr/bin/python3' -m mypkg > out.log", "exec '/usr/bin/python3' -m mypkg > out.log")]
    [InlineData("PYTHONPATH=/x python3 etl.py", "PYTHONPATH=/x exec python3 etl.py")]
    [InlineData("PYTHONPATH=/x etl.py", "PYTHONPATH=/x exec '/usr/bin/python3' etl.py")]
    public void A_python_command_that_names_its_interpreter_runs_as_written_and_assignments_come_before_exec(string command, string shellText)
    {
        var job = new Job { Kind = JobKind.Python, Command = command, Interpreter = "/usr/bin/python3" };

        var plan = Attempts.Plan(job, "m-10");

        Assert.Equal([DefaultShell, "-c", shellText], plan.Spec!.Arguments);
    }

    [Fact]
    public void Inline_sql_is_fed_to_the_client_named_in_the_interpreter_field_from_a_private_temp_file()
    {
        var job = new Job { Kind = JobKind.Sql, Script = "select 1;", Interpreter = "cat -n" };

        var plan = Attempts.Plan(job, "m-3");

        Assert.NotNull(plan.ScriptPath);
        Assert.Equal("select 1;", File.ReadAllText(plan.ScriptPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(plan.ScriptPath));
        Assert.Equal([DefaultShell, "-c", $"exec cat -n < '{plan.ScriptPath}'"], plan.Spec!.Arguments);
    }

    [Fact]
    public void Sql_assignments_come_before_exec_in_a_command_and_in_an_inline_scripts_client_line()
    {
        var command = Attempts.Plan(new Job { Kind = JobKind.Sql, Command = "PGAPPNAME=etl cat -n x.sql" }, "m-11");
        var script = Attempts.Plan(new Job { Kind = JobKind.Sql, Script = "select 1;", Interpreter = "PGAPPNAME=etl cat -n" }, "m-12");

        Assert.Equal([DefaultShell, "-c", "PGAPPNAME=etl exec cat -n x.sql"], command.Spec!.Arguments);
        Assert.Equal([DefaultShell, "-c", $"PGAPPNAME=etl exec cat -n < '{script.ScriptPath}'"], script.Spec!.Arguments);
    }

    [Fact]
    public void A_command_line_that_sets_path_leaves_finding_its_program_to_the_shell()
    {
        var plan = Attempts.Plan(new Job { Kind = JobKind.Sql, Command = "PATH=/opt/pg/bin:$PATH psql9 -d db" }, "m-13");

        Assert.Null(plan.Error);
        Assert.Equal([DefaultShell, "-c", "PATH=/opt/pg/bin:$PATH exec psql9 -d db"], plan.Spec!.Arguments);
    }

    [Theory]
    [InlineData(JobKind.Python, "", "python9", "Python interpreter 'python9' was not found on PATH.")]
    [InlineData(JobKind.Python, "", "/nope/bin/python", "Python interpreter '/nope/bin/python' does not exist or is not executable.")]
    [InlineData(JobKind.Shell, "", "zsh9", "Shell interpreter 'zsh9' was not found on PATH.")]
    [InlineData(JobKind.Sql, "psql9 -U u -d db -f x.sql", "", "SQL client 'psql9' was not found on PATH.")]
    [InlineData(JobKind.Sql, "PGPASSWORD=s3cr3t psql9 -d db", "", "SQL client 'psql9' was not found on PATH.")]
    [InlineData(JobKind.Sql, "PGPASSWORD=s3cr3t", "", "The command line sets PGPASSWORD but names no program to run.")]
    [InlineData(JobKind.Sql, "", "PGPASSWORD=s3cr3t", "The interpreter field sets PGPASSWORD but names no program to run.")]
    [InlineData(JobKind.Python, "python9 etl.py", "python3", "Python interpreter 'python9' was not found on PATH.")]
    [InlineData(JobKind.Python, "A=1 /nope/bin/python etl.py", "python3", "Python interpreter '/nope/bin/python' does not exist or is not executable.")]
    [InlineData(JobKind.Python, "A=1 B=2", "", "The command line sets A, B but names no program to run.")]
    public void A_missing_interpreter_or_client_is_named_and_nothing_is_planned(
        JobKind kind, string command, string interpreter, string error)
    {
        var job = new Job { Kind = kind, Command = command, Script = "select 1;", Interpreter = interpreter };

        var plan = Attempts.Plan(job, "m-5");

        Assert.Equal(error, plan.Error);
        Assert.Null(plan.Spec);
        Assert.Null(plan.ScriptPath);
    }

    [Fact]
    public void A_missing_working_directory_is_named_and_nothing_is_planned()
    {
        var job = Attempts.Shell("echo hi");
        job.WorkingDirectory = "/nope-etlweb";

        var plan = Attempts.Plan(job, "m-6");

        Assert.Equal("Working directory '/nope-etlweb' does not exist.", plan.Error);
        Assert.Null(plan.Spec);
    }

    [Fact]
    public void The_values_of_variables_marked_secret_are_masked_and_the_others_are_not()
    {
        var job = Attempts.Shell("echo hi");
        job.Environment["API_KEY"] = "s3cr3t-value";
        job.Environment["STAGE"] = "load";
        job.SecretEnvironment.AddRange(["API_KEY", "NOT_SET"]);

        var plan = Attempts.Plan(job, "m-8");

        Assert.Equal("*** load", plan.Spec!.Secrets.Mask("s3cr3t-value load"));
    }

    [Fact]
    public void A_plan_error_never_quotes_a_secret_value()
    {
        var job = Attempts.Shell("echo hi");
        job.Environment["API_KEY"] = "s3cr3t-value";
        job.SecretEnvironment.Add("API_KEY");
        job.WorkingDirectory = "/nope/s3cr3t-value";

        var plan = Attempts.Plan(job, "m-9");

        Assert.Equal("Working directory '/nope/***' does not exist.", plan.Error);
    }

    [Fact]
    public void Inline_sql_without_a_client_says_where_to_name_it()
    {
        var plan = Attempts.Plan(new Job { Kind = JobKind.Sql, Script = "select 1;" }, "m-7");

        Assert.Contains("interpreter field", plan.Error, StringComparison.Ordinal);
        Assert.Null(plan.Spec);
    }
}
