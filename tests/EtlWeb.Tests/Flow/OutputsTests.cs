using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Runs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Flow;

/// <summary>The rules of ETL_OUTPUT files and of the variables their values reach the downstream runs in.</summary>
public sealed class OutputRulesTests
{
    [Fact]
    public void Key_value_lines_give_strings_and_skip_blank_and_comment_lines()
    {
        var read = AttemptOutputs.Parse("rows=5\n# a note\n\nfile = /data/a=b.csv\r\nrows=6\n");

        Assert.Null(read.Error);
        Assert.Equal("""{"rows":"6","file":" /data/a=b.csv"}""", read.Stored);
    }

    [Fact]
    public void One_json_object_keeps_its_value_types()
    {
        var read = AttemptOutputs.Parse("""{"rows": 5, "ok": true, "files": ["a.csv", "b.csv"]}""");

        Assert.Null(read.Error);
        Assert.Equal(JsonValueKind.Number, read.Values["rows"].ValueKind);
        Assert.Equal("""["a.csv", "b.csv"]""", AttemptOutputs.Text(read.Values["files"]));
    }

    [Theory]
    [InlineData("rows 5", "line 1 of ETL_OUTPUT is not key=value")]
    [InlineData("ok=1\n2rows=5", "line 2: output key '2rows' must start with a letter")]
    [InlineData("=5", "line 1: an output key is empty")]
    [InlineData("{\"a-b\": 1}", "output key 'a-b' must start with a letter or '_' and hold only letters, digits and '_'")]
    [InlineData("{\"a\": 1", "starts with '{' but is not one JSON object")]
    public void A_bad_line_or_key_refuses_the_outputs_naming_it(string text, string expected)
    {
        var read = AttemptOutputs.Parse(text);

        Assert.Contains(expected, read.Error, StringComparison.Ordinal);
        Assert.Empty(read.Values);
    }

    [Fact]
    public void Past_the_cap_the_outputs_are_refused_with_both_sizes()
    {
        Assert.Null(AttemptOutputs.SizeError(100, 100));
        Assert.Equal(
            "Outputs refused: ETL_OUTPUT holds 2 KiB, over the 1 KiB allowed per attempt (EtlWeb:MaxOutputBytesPerAttempt).",
            AttemptOutputs.SizeError(2048, 1024));
    }

    [Fact]
    public void Refused_outputs_fail_a_succeeded_attempt_and_leave_another_outcome_alone()
    {
        var refused = new OutputRead(new Dictionary<string, JsonElement>(), "Outputs refused: too big.");

        var succeeded = AttemptOutputs.With(new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), refused);
        var failed = AttemptOutputs.With(new AttemptOutcome(AttemptStatus.Failed, 3, "exit code 3"), refused);

        Assert.Equal((AttemptStatus.Failed, 0, "Outputs refused: too big."), (succeeded.Status, succeeded.ExitCode!.Value, succeeded.Message));
        Assert.Equal((AttemptStatus.Failed, "exit code 3"), (failed.Status, failed.Message));
        Assert.Null(succeeded.Outputs);
    }

    [Fact]
    public void Variable_names_are_upper_case_with_every_other_run_of_characters_one_underscore()
    {
        Assert.Equal("ETL_UP_DAILY_EXTRACT_V2_ROW_COUNT", AttemptOutputs.VariableOf("daily extract (v2)", "row_count"));
        Assert.Equal("ETL_UP_LOAD_CRM_FILE", AttemptOutputs.VariableOf("load-crm", "file"));
    }

    [Fact]
    public void Outputs_fill_the_parameters_named_like_them_the_first_upstream_by_name_winning()
    {
        var upstream = new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>
        {
            ["b"] = AttemptOutputs.Parse("rows=2\nday=2026-01-01").Values,
            ["a"] = AttemptOutputs.Parse("rows=1").Values,
        };

        var given = AttemptOutputs.ForParameters(["rows", "day", "limit"], upstream);

        Assert.Equal("1", given["rows"].GetString());
        Assert.Equal("2026-01-01", given["day"].GetString());
        Assert.False(given.ContainsKey("limit"));
    }
}

/// <summary>Outputs passed between the runs of a real host.</summary>
public sealed class OutputsTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxOutputBytesPerAttempt"] = "200" } })
{
    [Fact]
    public async Task Outputs_reach_the_downstream_run_as_variables_a_json_file_and_a_parameter()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("daily extract")
            .With("command", "printf 'rows=5\\nfile=/data/day one.csv\\nkey=%s\\n' \"$API_KEY\" > \"$ETL_OUTPUT\"")
            .With("environment", new JsonObject { ["API_KEY"] = "s3cret-value-42" })
            .With("secret_environment", new JsonArray("API_KEY")));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "daily extract")
            .With("command", "echo \"rows=$ETL_UP_DAILY_EXTRACT_ROWS file=$ETL_UP_DAILY_EXTRACT_FILE param=$ETL_PARAM_ROWS\"; cat \"$ETL_UPSTREAM\"")
            .With("parameters", JsonNode.Parse("""[{"name": "rows", "type": "integer", "default": 0}]""")));

        var first = await Client.WaitForEndAsync(await Client.TriggerAsync(extract));
        var loaded = (await Client.WaitForRunsAsync(load, 1))[0];
        loaded = await Client.WaitForEndAsync(loaded.Id);

        Assert.Equal("Succeeded", first.Status);
        Assert.Equal("""{"rows":"5","file":"/data/day one.csv","key":"***"}""", JsonSerializer.Serialize(first.Outputs));
        Assert.Equal("Succeeded", loaded.Status);
        var log = await Client.LogAsync(loaded.Id);
        Assert.Contains("rows=5 file=/data/day one.csv param=5", log, StringComparison.Ordinal);
        Assert.Contains("""{"daily extract":{"rows":"5","file":"/data/day one.csv","key":"***"}}""", log, StringComparison.Ordinal);
        Assert.Equal(5, loaded.Params["rows"].GetInt32());
    }

    [Fact]
    public async Task Outputs_past_the_cap_fail_the_attempt_saying_so_and_reach_no_one()
    {
        var big = await Client.CreateJobAsync(JobsClient.ShellJob("big").With("command", "head -c 300 /dev/zero | tr '\\0' 'x' | sed 's/^/blob=/' > \"$ETL_OUTPUT\""));
        var after = await Client.CreateJobAsync(JobsClient.ShellJob("after", "big"));

        var run = await Client.WaitForEndAsync(await Client.TriggerAsync(big));

        Assert.Equal("Failed", run.Status);
        Assert.StartsWith("Outputs refused: ETL_OUTPUT holds 305 bytes, over the 200 bytes allowed per attempt", run.Reason, StringComparison.Ordinal);
        Assert.Empty(run.Outputs);
        Assert.Contains("Outputs refused", await Client.LogAsync(run.Id), StringComparison.Ordinal);
        Assert.Equal("UpstreamFailed", (await Client.WaitForEndAsync((await Client.WaitForRunsAsync(after, 1))[0].Id)).Status);
    }

    [Fact]
    public async Task Re_run_failed_gives_the_re_run_jobs_the_stored_outputs_of_the_upstream_runs_that_succeeded()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"etlweb-outputs-{Guid.NewGuid():N}");
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract").With("command", "echo '{\"rows\": 3}' > \"$ETL_OUTPUT\""));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract")
            .With("command", $"echo \"rows=$ETL_UP_EXTRACT_ROWS\"; [ -e {marker} ] || {{ touch {marker}; exit 1; }}"));
        try
        {
            await Client.WaitForEndAsync(await Client.TriggerAsync(extract));
            var failed = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(load, 1))[0].Id);
            Assert.Equal("Failed", failed.Status);

            // A later run of the upstream changes what it would give now; the re-run takes what the re-done pipeline run had.
            await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{extract.Id}", JobsClient.ShellJob("extract").With("command", "echo rows=9 > \"$ETL_OUTPUT\"").ToJsonString());
            await Client.WaitForEndAsync(await Client.TriggerAsync(extract, downstream: false));

            var (_, again) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{failed.Id}/rerun", "");
            var rerun = await Client.WaitForEndAsync(Assert.Single(again!["run_ids"]!.AsArray())!.GetValue<long>());

            Assert.Equal("Succeeded", rerun.Status);
            Assert.Contains("rows=3", await Client.LogAsync(rerun.Id), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(marker);
        }
    }
}
