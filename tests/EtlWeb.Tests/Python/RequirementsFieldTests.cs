using System.Runtime.Versioning;
using System.Text.Json;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Python;

/// <summary>The requirements field of a Python job: its document, its rules, its revisions, and the environment key it makes.</summary>
public sealed class RequirementsFieldTests
{
    private static (JobDraft Draft, ValidationErrors Errors) Draft(string json)
    {
        var errors = new ValidationErrors();
        return (JobDocumentMapper.ToDraft(JsonSerializer.Deserialize<JobDocument>(json)!, errors), errors);
    }

    [Fact]
    public void The_document_reads_the_lines_trimmed_in_their_order_and_writes_them_back()
    {
        var (draft, errors) = Draft("""{"name": "p", "job_type": "python", "command": "x.py", "requirements": [" mypkg==1.0 ", "requests>=2"]}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(["mypkg==1.0", "requests>=2"], draft.Job.Requirements);
        var written = JsonSerializer.SerializeToNode(JobDocumentMapper.ToDocument(draft.Job, []))!;
        Assert.Equal(["mypkg==1.0", "requests>=2"], written["requirements"]!.AsArray().Select(l => l!.GetValue<string>()));
    }

    [Fact]
    public void A_job_without_the_field_has_no_requirements()
    {
        var (draft, errors) = Draft("""{"name": "p", "job_type": "python", "command": "x.py"}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Empty(draft.Job.Requirements);
    }

    [Theory]
    [InlineData("""["ok==1", "  "]""", "Line 2 of requirements: is empty")]
    [InlineData("""["--index-url https://example.com/simple"]""", "Line 1 of requirements: '--index-url https://example.com/simple' is a pip option")]
    [InlineData("""["a", "b", "-e ."]""", "Line 3 of requirements: '-e .' is a pip option")]
    [InlineData("""["ok", null]""", "requirements must list text lines; null is not one.")]
    public void A_bad_line_is_refused_naming_the_field_and_the_line(string requirements, string expected)
    {
        var (_, errors) = Draft($$"""{"name": "p", "job_type": "python", "command": "x.py", "requirements": {{requirements}}}""");

        Assert.Contains(errors.For(JobFields.Requirements), m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Requirements_on_a_shell_job_are_refused_naming_the_field()
    {
        var (_, errors) = Draft("""{"name": "s", "job_type": "shell", "command": "echo", "requirements": ["mypkg"]}""");

        Assert.Equal("requirements apply to Python jobs only; this job is shell: leave the list empty.", Assert.Single(errors.For(JobFields.Requirements)));
    }

    [Fact]
    public void A_changed_list_is_a_change_of_the_requirements_field()
    {
        var before = new Job { Name = "p", Kind = JobKind.Python, Command = "x.py", Requirements = ["a==1"] };
        var after = new Job { Name = "p", Kind = JobKind.Python, Command = "x.py", Requirements = ["a==1", "b>=2"] };

        var change = Assert.Single(JobChanges.Between(before, [], after, []));

        Assert.Equal(new FieldChange("requirements", """["a==1"]""", """["a==1","b>=2"]"""), change);
    }

    [Fact]
    public void The_snapshot_a_run_keeps_carries_the_requirements()
    {
        var job = new Job { Name = "p", Kind = JobKind.Python, Command = "x.py", Requirements = ["a==1"] };

        Assert.Equal(["a==1"], JobSnapshot.Read(JobSnapshot.Of(job)).Requirements);
    }

    [Fact]
    public void The_key_depends_on_the_interpreter_and_the_trimmed_lines_in_their_order()
    {
        var key = PythonEnvironment.KeyOf("/usr/bin/python3.11", ["a==1", "b==2"]);

        Assert.Matches("^[0-9a-f]{16}$", key);
        Assert.Equal(key, PythonEnvironment.KeyOf("/usr/bin/python3.11", [" a==1", "b==2 "]));
        Assert.NotEqual(key, PythonEnvironment.KeyOf("/usr/bin/python3.12", ["a==1", "b==2"]));
        Assert.NotEqual(key, PythonEnvironment.KeyOf("/usr/bin/python3.11", ["b==2", "a==1"]));
        Assert.NotEqual(key, PythonEnvironment.KeyOf("/usr/bin/python3.11", ["a==1"]));
    }

    [Fact]
    public void The_build_log_shows_a_private_index_without_its_credentials()
    {
        Assert.Equal(
            "$ python -m pip install --index-url https://****@pypi.example.com/simple -r requirements.txt",
            PythonEnvironment.WithoutUrlCredentials("$ python -m pip install --index-url https://etl:s3cret@pypi.example.com/simple -r requirements.txt"));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void The_interpreter_is_resolved_to_its_file_so_a_name_and_its_path_share_an_environment()
    {
        var inherited = new Dictionary<string, string> { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" };
        var byName = new Job { Kind = JobKind.Python, Command = "x.py" };
        var byPath = new Job { Kind = JobKind.Python, Command = "x.py", Interpreter = "/usr/bin/python3" };
        var named = new Job { Kind = JobKind.Python, Command = "python3 x.py" };

        var file = PythonEnvironment.InterpreterOf(byName, inherited);

        Assert.NotNull(file);
        Assert.Null(File.ResolveLinkTarget(file, returnFinalTarget: false));
        Assert.Equal(file, PythonEnvironment.InterpreterOf(byPath, inherited));
        Assert.Equal(file, PythonEnvironment.InterpreterOf(named, inherited));
        Assert.Null(PythonEnvironment.InterpreterOf(new Job { Kind = JobKind.Python, Command = "x.py", Interpreter = "no-such-python" }, inherited));
    }
}
