using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

public sealed class SpooledProcessTests
{
    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 3", 3)]
    public async Task Completion_is_the_exit_code(string command, int exitCode)
    {
        var (actual, _) = await Attempts.RunAsync(Attempts.Shell(command));

        Assert.Equal(exitCode, actual);
    }

    [Fact]
    public async Task Completion_is_the_exit_code_also_when_the_supervisor_cannot_record_it()
    {
        // As on a full disk: the supervisor's write of the status fails; it exits with the job's status instead.
        var spool = Attempts.NewSpool();
        Directory.CreateDirectory(spool.ExitPath);

        await using var process = Attempts.Start(Attempts.Plan(Attempts.Shell("exit 3"), Attempts.NewMarker()), spool, new ListOutput());

        Assert.Equal(3, await Attempts.WaitAsync(process));
    }

    [Fact]
    public async Task Environment_variables_marker_and_working_directory_reach_the_child()
    {
        var marker = Attempts.NewMarker();
        var job = Attempts.Shell("""echo "$GREETING"; pwd; echo "$ETLWEB_ATTEMPT" """);
        job.Environment["GREETING"] = "hello world";
        job.WorkingDirectory = "/usr";
        var plan = Attempts.Plan(job, marker);
        var output = new ListOutput();

        await using var process = Attempts.Start(plan, output);
        await Attempts.WaitAsync(process);

        Assert.Equal(["hello world", "/usr", marker], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task The_process_leads_its_own_process_group()
    {
        var plan = Attempts.Plan(Attempts.Shell("sleep 300"), Attempts.NewMarker());

        await using var process = Attempts.Start(plan, new ListOutput());

        // The child calls setsid() just after it starts: give it that moment.
        var group = 0;
        for (var i = 0; i < 250 && group != process.Pid; i++)
        {
            group = ProcStat.TryRead(process.Pid, out var stat) ? stat.ProcessGroup : 0;
            await Task.Delay(20);
        }

        Assert.Equal(process.Pid, group);
    }

    [Fact]
    public async Task Stdin_is_closed_so_readers_get_end_of_file()
    {
        var (exitCode, output) = await Attempts.RunAsync(Attempts.Shell("cat; read line; echo \"read=$?\""));

        Assert.Equal(0, exitCode);
        Assert.Equal(["read=1"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task Stdout_and_stderr_are_told_apart()
    {
        var (_, output) = await Attempts.RunAsync(Attempts.Shell("echo out; echo err >&2"));

        Assert.Equal(["out"], output.Texts(LogStream.Stdout));
        Assert.Equal(["err"], output.Texts(LogStream.Stderr));
    }

    [Fact]
    public async Task Inline_shell_script_runs_from_the_spool_and_goes_with_it()
    {
        var spool = Attempts.NewSpool();
        var plan = LaunchPlanner.Plan(new Job { Kind = JobKind.Shell, Script = "echo from script\r\nexit 4\r\n" }, Attempts.NewMarker(), spool.Directory, Attempts.Inherited);
        var output = new ListOutput();

        int? exitCode;
        await using (var process = Attempts.Start(plan, spool, output))
        {
            exitCode = await Attempts.WaitAsync(process);
        }

        Assert.Equal(4, exitCode);
        Assert.Equal(["from script"], output.Texts(LogStream.Stdout));
        Assert.Equal(spool.Directory, Path.GetDirectoryName(plan.ScriptPath));
        spool.Delete();
        Assert.False(Directory.Exists(spool.Directory));
    }

    [Fact]
    public async Task Inline_python_script_runs_unbuffered_on_both_streams()
    {
        var job = new Job { Kind = JobKind.Python, Script = "import sys\nprint('to out')\nsys.stderr.write('to err\\n')\nsys.exit(2)\n" };

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(2, exitCode);
        Assert.Equal(["to out"], output.Texts(LogStream.Stdout));
        Assert.Equal(["to err"], output.Texts(LogStream.Stderr));
    }

    [Fact]
    public async Task Python_command_keeps_its_quotes()
    {
        var job = new Job { Kind = JobKind.Python, Command = """-c 'import sys; print("it works", sys.argv[1])' "two words" """ };

        var (_, output) = await Attempts.RunAsync(job);

        Assert.Equal(["it works two words"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task Inline_sql_reaches_the_client_on_its_stdin()
    {
        var job = new Job { Kind = JobKind.Sql, Script = "select 1;\nselect 2;\n", Interpreter = "cat" };

        var (_, output) = await Attempts.RunAsync(job);

        Assert.Equal(["select 1;", "select 2;"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task A_child_that_closes_stdout_early_still_completes_with_its_stderr()
    {
        var (exitCode, output) = await Attempts.RunAsync(Attempts.Shell("echo before; exec 1>&-; sleep 1; echo err >&2"));

        Assert.Equal(0, exitCode);
        Assert.Equal(["before"], output.Texts(LogStream.Stdout));
        Assert.Equal(["err"], output.Texts(LogStream.Stderr));
    }

    [Fact]
    public async Task Completes_when_the_job_exits_even_while_a_background_child_runs_on()
    {
        var marker = Attempts.NewMarker();
        var plan = Attempts.Plan(Attempts.Shell("sleep 300 & echo started"), marker);
        var output = new ListOutput();
        await using var process = Attempts.Start(plan, output);

        try
        {
            Assert.Equal(0, await Attempts.WaitAsync(process));
            Assert.Equal(["started"], output.Texts(LogStream.Stdout));
        }
        finally
        {
            Assert.Empty(await ProcessTree.KillAllAsync(null, marker, TimeSpan.Zero));
        }
    }
}
