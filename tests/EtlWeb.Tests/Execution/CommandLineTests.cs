using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Execution;

/// <summary>How a command line's leading assignments and program word are read, and which programs are Python interpreters.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("daily_etl.py", false)]
    [InlineData("./run.py --day 1", false)]
    [InlineData("etl/load.py", false)]
    [InlineData("python3x.py", false)]
    [InlineData("python3.py", false)]
    [InlineData("pythonic.py", false)]
    [InlineData("python3-config --libs", false)]
    [InlineData("/opt/python/etl.py", false)]
    [InlineData("'python3 daily_etl.py'", false)]
    [InlineData("PYTHONPATH=/x etl.py", false)]
    [InlineData("python daily_etl.py", true)]
    [InlineData("python3 daily_etl.py", true)]
    [InlineData("python3.12 daily_etl.py", true)]
    [InlineData("python2 old.py", true)]
    [InlineData("pypy3 daily_etl.py", true)]
    [InlineData("python -m mypkg", true)]
    [InlineData("python3 -c 'print(1)'", true)]
    [InlineData("/opt/venv/bin/python etl.py", true)]
    [InlineData("/usr/bin/python3 daily_etl.py", true)]
    [InlineData("./venv/bin/python3.11 etl.py", true)]
    [InlineData("'/opt/my venv/bin/python' etl.py", true)]
    [InlineData("\"python3\" etl.py", true)]
    [InlineData("PYTHONPATH=/x python3 etl.py", true)]
    [InlineData("A=1 B='two words' /opt/venv/bin/python -m mypkg", true)]
    [InlineData("  python3   etl.py  ", true)]
    public void A_python_command_names_an_interpreter_when_its_program_word_is_one(string command, bool namesPython)
    {
        Assert.Equal(namesPython, CommandLine.Parse(command).NamesPython);
    }

    [Theory]
    [InlineData("psql -d db", "", "psql", "psql -d db")]
    [InlineData("PGAPPNAME=x psql -U user -d database -f export_data.sql", "PGAPPNAME=x", "psql", "psql -U user -d database -f export_data.sql")]
    [InlineData("A=1  B=2\tpython3 etl.py", "A=1  B=2", "python3", "python3 etl.py")]
    [InlineData("GREETING='hello world' python3 x.py", "GREETING='hello world'", "python3", "python3 x.py")]
    [InlineData("NOTE=\"a b\"c  ./x.sh", "NOTE=\"a b\"c", "./x.sh", "./x.sh")]
    [InlineData("DAY=$(date +%F) python3 x.py", "DAY=$(date +%F)", "python3", "python3 x.py")]
    [InlineData("DAY=`date +%F` python3 x.py", "DAY=`date +%F`", "python3", "python3 x.py")]
    [InlineData("MODE=${MODE:-full run} python3 x.py", "MODE=${MODE:-full run}", "python3", "python3 x.py")]
    [InlineData("EMPTY= python3 x.py", "EMPTY=", "python3", "python3 x.py")]
    [InlineData("\"A\"=1 x.py", "", "A=1", "\"A\"=1 x.py")]
    [InlineData("1A=x x.py", "", "1A=x", "1A=x x.py")]
    [InlineData("=x x.py", "", "=x", "=x x.py")]
    [InlineData("A-B=x x.py", "", "A-B=x", "A-B=x x.py")]
    [InlineData("x.py A=1", "", "x.py", "x.py A=1")]
    [InlineData("'/opt/my venv/bin/python' etl.py", "", "/opt/my venv/bin/python", "'/opt/my venv/bin/python' etl.py")]
    [InlineData("my\\ prog arg", "", "my prog", "my\\ prog arg")]
    [InlineData("\"say \\\"hi\\\"\" arg", "", "say \"hi\"", "\"say \\\"hi\\\"\" arg")]
    public void Leading_assignments_are_split_from_the_program_and_the_rest_is_kept_as_typed(
        string command, string assignments, string program, string rest)
    {
        var line = CommandLine.Parse(command);

        Assert.Equal(assignments, line.Assignments);
        Assert.Equal(program, line.Program);
        Assert.Equal(rest, line.Rest);
    }

    [Fact]
    public void Only_the_names_of_the_assigned_variables_are_kept_apart_from_the_text()
    {
        var line = CommandLine.Parse("PGPASSWORD=s3cr3t PGAPPNAME=etl psql -d db");

        Assert.Equal(["PGPASSWORD", "PGAPPNAME"], line.AssignedNames);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("A=1")]
    [InlineData("A=1 B='x y'")]
    public void A_line_of_assignments_only_names_no_program(string command)
    {
        var line = CommandLine.Parse(command);

        Assert.Null(line.Program);
        Assert.False(line.NamesPython);
        Assert.Equal(command.Trim(), line.Assignments);
        Assert.Equal("", line.Rest);
    }

    [Theory]
    [InlineData("python3 etl.py > out.log 2>&1", null, "exec python3 etl.py > out.log 2>&1")]
    [InlineData("GREETING=hi python3 -c 'print(1)'", null, "GREETING=hi exec python3 -c 'print(1)'")]
    [InlineData("etl.py --day 1", "'python3'", "exec 'python3' etl.py --day 1")]
    [InlineData("PYTHONPATH=/x etl.py", "'/opt/venv/bin/python'", "PYTHONPATH=/x exec '/opt/venv/bin/python' etl.py")]
    public void Exec_puts_the_assignments_before_exec_where_the_shell_hands_them_to_the_program(
        string command, string? runner, string shellText)
    {
        Assert.Equal(shellText, CommandLine.Parse(command).Exec(runner));
    }
}
