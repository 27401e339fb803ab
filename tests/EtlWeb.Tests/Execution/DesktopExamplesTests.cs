using System.Runtime.Versioning;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

/// <summary>
/// The desktop tool README's three job examples, and the ways people write such commands, run as real attempts
/// against stand-in scripts: daily_etl.py without pandas, backup.sh, and a psql that shows what it was given.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DesktopExamplesTests : IDisposable
{
    private const string PsqlCommand = "psql -U user -d database -f export_data.sql";

    private readonly string _scripts = Path.Combine(Attempts.TempDirectory, "desktop-examples-" + Guid.NewGuid().ToString("N"));

    public DesktopExamplesTests()
    {
        Directory.CreateDirectory(Path.Combine(_scripts, "important"));
        File.WriteAllText(Path.Combine(_scripts, "source.csv"), "name,value\na,3\nb,-1\nc,5\n");
        File.WriteAllText(Path.Combine(_scripts, "daily_etl.py"), """
            import csv
            with open("source.csv", newline="") as source:
                data = [row for row in csv.DictReader(source) if float(row["value"]) > 0]
            with open("output.csv", "w", newline="") as output:
                writer = csv.DictWriter(output, fieldnames=["name", "value"])
                writer.writeheader()
                writer.writerows(data)
            print(f"Processed {len(data)} records")
            """);
        File.WriteAllText(Path.Combine(_scripts, "greet.py"), "import os\nprint(os.environ['GREETING'])\n");
        Directory.CreateDirectory(Path.Combine(_scripts, "etlpkg"));
        File.WriteAllText(Path.Combine(_scripts, "etlpkg", "__init__.py"), "");
        File.WriteAllText(Path.Combine(_scripts, "etlpkg", "__main__.py"), "print('etlpkg ran')\n");
        WriteExecutable(Path.Combine(_scripts, "backup.sh"), """
            #!/bin/sh
            tar -czf "backup_${GREETING:-weekly}.tar.gz" important
            echo "Backup completed: backup_${GREETING:-weekly}.tar.gz"
            """);
        File.WriteAllText(Path.Combine(_scripts, "export_data.sql"), "COPY (SELECT * FROM sales) TO '/tmp/daily_sales.csv' CSV HEADER;\n");
        WriteExecutable(Path.Combine(_scripts, "bin", "psql"), """
            #!/bin/sh
            echo "stand-in psql $*"
            echo "PGAPPNAME=${PGAPPNAME:-unset}"
            while [ $# -gt 0 ]; do
              if [ "$1" = -f ]; then cat "$2"; fi
              shift
            done
            """);
    }

    public void Dispose() => Directory.Delete(_scripts, recursive: true);

    [Theory]
    [InlineData("daily_etl.py")]
    [InlineData("python3 daily_etl.py")]
    [InlineData("/usr/bin/python3 daily_etl.py")]
    public async Task Example_1_the_python_etl_runs_once_whether_or_not_the_command_names_the_interpreter(string command)
    {
        var job = new Job
        {
            Name = "Daily ETL",
            Kind = JobKind.Python,
            Command = command,
            WorkingDirectory = _scripts,
            ScheduleKind = ScheduleKind.Cron,
            CronExpression = "0 2 * * *",
            MaxRetries = 3,
            RetryDelaySeconds = 60,
        };
        Assert.True(JobValidator.Validate(job).IsEmpty);

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        Assert.Equal(["Processed 2 records"], output.Texts(LogStream.Stdout));
        Assert.Equal("name,value\r\na,3\r\nc,5\r\n", await File.ReadAllTextAsync(Path.Combine(_scripts, "output.csv")));
    }

    [Theory]
    [InlineData("python3 -m etlpkg", "etlpkg ran")]
    [InlineData("GREETING=hi python3 -c 'import os;print(os.environ[\"GREETING\"])'", "hi")]
    [InlineData("GREETING=\"hi there\" greet.py", "hi there")]
    [InlineData("GREETING=hi /usr/bin/python3 greet.py", "hi")]
    public async Task A_python_command_runs_as_written_with_its_leading_assignments_in_the_environment(string command, string expected)
    {
        // The interpreter field would not start anything: a command that names its interpreter does not need it.
        var interpreter = CommandLine.Parse(command).NamesPython ? "/nope/bin/python" : "";
        var job = new Job { Kind = JobKind.Python, Command = command, Interpreter = interpreter, WorkingDirectory = _scripts };

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        Assert.Equal([expected], output.Texts(LogStream.Stdout));
    }

    [Theory]
    [InlineData("./backup.sh", "weekly")]
    [InlineData("GREETING=hi ./backup.sh", "hi")]
    public async Task Example_2_the_shell_backup_runs_from_its_working_directory(string command, string name)
    {
        var job = new Job
        {
            Name = "Weekly backup",
            Kind = JobKind.Shell,
            Command = command,
            WorkingDirectory = _scripts,
            ScheduleKind = ScheduleKind.Cron,
            CronExpression = "0 0 * * 0",
        };
        Assert.True(JobValidator.Validate(job).IsEmpty);

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        Assert.Equal([$"Backup completed: backup_{name}.tar.gz"], output.Texts(LogStream.Stdout));
        Assert.True(File.Exists(Path.Combine(_scripts, $"backup_{name}.tar.gz")));
    }

    [Theory]
    [InlineData(PsqlCommand, "unset")]
    [InlineData("PGAPPNAME=x " + PsqlCommand, "x")]
    public async Task Example_3_the_sql_export_runs_the_client_found_on_the_jobs_path(string command, string appName)
    {
        var job = new Job
        {
            Name = "SQL export",
            Kind = JobKind.Sql,
            Command = command,
            WorkingDirectory = _scripts,
            ScheduleKind = ScheduleKind.Interval,
            IntervalMinutes = 1440,
        };
        job.Environment["PATH"] = Path.Combine(_scripts, "bin") + ":" + Attempts.Inherited.GetValueOrDefault("PATH", "/usr/bin:/bin");
        Assert.True(JobValidator.Validate(job).IsEmpty);

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        Assert.Equal(
            ["stand-in psql -U user -d database -f export_data.sql", $"PGAPPNAME={appName}", "COPY (SELECT * FROM sales) TO '/tmp/daily_sales.csv' CSV HEADER;"],
            output.Texts(LogStream.Stdout));
    }

    private static void WriteExecutable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
