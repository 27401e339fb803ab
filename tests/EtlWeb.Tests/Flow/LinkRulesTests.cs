using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Flow;

/// <summary>Link kinds and conditions, rule by rule, as table-driven tests of Core.</summary>
public sealed class LinkRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static UpstreamView Link(RunStatus status, LinkKind when, string? condition = null, UpstreamResult? result = null) =>
        new("A", true, status, !status.IsTerminal(), null, when, condition, result);

    private static UpstreamResult Ended(RunStatus status, string outputs = "", int? exitCode = 0, int attempts = 1) =>
        new(status, exitCode, attempts, AttemptOutputs.Parse(outputs).Values);

    public static TheoryData<string, UpstreamView[], DecisionKind, string> Kinds() => new()
    {
        { "on success: succeeded", [Link(RunStatus.Succeeded, LinkKind.Success)], DecisionKind.Start, "" },
        { "on success: failed", [Link(RunStatus.Failed, LinkKind.Success)], DecisionKind.UpstreamFailed, "Upstream A ended Failed in this pipeline run." },
        { "on success: a skipped upstream skips", [Link(RunStatus.Skipped, LinkKind.Success)], DecisionKind.Skip, "Skipped: upstream A was skipped in this pipeline run." },
        { "on success: still running (a retry is pending)", [Link(RunStatus.Running, LinkKind.Success)], DecisionKind.Wait, "waiting for: A" },
        { "on failure: failed for good", [Link(RunStatus.Failed, LinkKind.Failure)], DecisionKind.Start, "" },
        { "on failure: timed out", [Link(RunStatus.TimedOut, LinkKind.Failure)], DecisionKind.Start, "" },
        { "on failure: its own upstream failed", [Link(RunStatus.UpstreamFailed, LinkKind.Failure)], DecisionKind.Start, "" },
        { "on failure: succeeded", [Link(RunStatus.Succeeded, LinkKind.Failure)], DecisionKind.Skip, "Skipped: it runs on failure of A, which ended Succeeded." },
        { "on failure: cancelled is not a failure", [Link(RunStatus.Cancelled, LinkKind.Failure)], DecisionKind.Skip, "Skipped: it runs on failure of A, which ended Cancelled." },
        { "on failure: still running between retries", [Link(RunStatus.Running, LinkKind.Failure)], DecisionKind.Wait, "waiting for: A" },
        { "always: succeeded", [Link(RunStatus.Succeeded, LinkKind.Always)], DecisionKind.Start, "" },
        { "always: failed", [Link(RunStatus.Failed, LinkKind.Always)], DecisionKind.Start, "" },
        { "always: skipped", [Link(RunStatus.Skipped, LinkKind.Always)], DecisionKind.Start, "" },
        { "always: still running", [Link(RunStatus.Running, LinkKind.Always)], DecisionKind.Wait, "waiting for: A" },
        {
            "a link that can never match skips at once, while another upstream still runs",
            [Link(RunStatus.Succeeded, LinkKind.Failure), new UpstreamView("B", true, RunStatus.Running, true, null)],
            DecisionKind.Skip, "Skipped: it runs on failure of A, which ended Succeeded."
        },
        {
            "outside the pipeline run: on failure waits for a failure",
            [new UpstreamView("A", true, null, false, RunStatus.Succeeded, LinkKind.Failure)],
            DecisionKind.Wait, "waiting for: A (last run Succeeded)"
        },
        { "outside the pipeline run: always takes any end", [new UpstreamView("A", true, null, false, RunStatus.Failed, LinkKind.Always)], DecisionKind.Start, "" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_link_is_satisfied_by_the_end_its_kind_names(string rule, UpstreamView[] upstreams, DecisionKind kind, string reason)
    {
        var decision = WaitingRunRules.Decide(new WaitingRunFacts(null, upstreams, Now, OverlapPolicy.Skip, null), Now, TimeSpan.FromHours(24));

        Assert.True((kind, reason) == (decision.Kind, decision.Reason), $"{rule}: got {decision.Kind} '{decision.Reason}'");
    }

    public static TheoryData<string, string, UpstreamResult, DecisionKind, string> Conditions() => new()
    {
        { "a number from a key=value line", "rows > 0", Ended(RunStatus.Succeeded, "rows=5"), DecisionKind.Start, "" },
        { "false", "rows > 0", Ended(RunStatus.Succeeded, "rows=0"), DecisionKind.Skip, "Skipped: condition 'rows > 0' on A is false." },
        { "the outcome, in double quotes", "status == \"Failed\" and exit_code == 3", Ended(RunStatus.Failed, exitCode: 3), DecisionKind.Start, "" },
        { "text and JSON types", "region == 'eu' and ok", Ended(RunStatus.Succeeded, """{"region": "eu", "ok": true}"""), DecisionKind.Start, "" },
        { "attempts", "attempts > 1", Ended(RunStatus.Succeeded, attempts: 2), DecisionKind.Start, "" },
        {
            "a key the upstream did not give", "rows > 0", Ended(RunStatus.Succeeded, "files=3"),
            DecisionKind.Skip, "Skipped: condition 'rows > 0' names 'rows', which A did not output."
        },
        { "not a truth value", "rows + 1", Ended(RunStatus.Succeeded, "rows=5"), DecisionKind.Skip, "Skipped: condition 'rows + 1' gave 6, not true or false." },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void A_condition_is_checked_once_the_link_is_satisfied(string rule, string condition, UpstreamResult result, DecisionKind kind, string reason)
    {
        var when = result.Status == RunStatus.Succeeded ? LinkKind.Success : LinkKind.Always;
        var decision = WaitingRunRules.Decide(
            new WaitingRunFacts(null, [Link(result.Status, when, condition, result)], Now, OverlapPolicy.Skip, null), Now, TimeSpan.FromHours(24));

        Assert.True((kind, reason) == (decision.Kind, decision.Reason), $"{rule}: got {decision.Kind} '{decision.Reason}'");
    }

    [Theory]
    [InlineData("rows >", "'rows >' is not a valid condition: Invalid token in expression at position (1:6)")]
    [InlineData("(rows > 1", "'(rows > 1' is not a valid condition: Parenthesis not closed.")]
    public void A_condition_that_does_not_parse_is_named_with_where(string condition, string expected) =>
        Assert.StartsWith(expected, LinkConditions.Check(condition), StringComparison.Ordinal);

    [Fact]
    public void A_dependency_is_a_name_or_an_object_and_each_bad_part_names_its_field()
    {
        var document = JsonSerializer.Deserialize<JobDocument>("""
            {"name": "load", "job_type": "shell", "command": "true", "dependencies": [
              "extract",
              {"job": "check", "when": "failure", "condition": "rows > 0"},
              {"job": "a", "when": "sometimes"},
              {"job": "b", "condition": "rows >"},
              {"when": "always"},
              {"job": "c", "kind": "failure"}
            ]}
            """)!;
        var errors = new ValidationErrors();

        var draft = JobDocumentMapper.ToDraft(document, errors);

        Assert.Equal(
            ["dependencies[2].when", "dependencies[3].condition", "dependencies[4].job", "dependencies[5].kind"],
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'sometimes' is not a link kind; use one of success, failure, always.", Assert.Single(errors.For("dependencies[2].when")));
        Assert.Equal(new DependencyLink("check", LinkKind.Failure, "rows > 0"), draft.Links[1]);
        Assert.Equal(new DependencyLink("extract"), draft.Links[0]);
    }

    [Fact]
    public void A_for_each_names_its_bad_fields_and_makes_its_upstream_a_link()
    {
        var errors = new ValidationErrors();
        var good = JobDocumentMapper.ToDraft(JsonSerializer.Deserialize<JobDocument>("""
            {"name": "each", "job_type": "shell", "command": "true", "for_each": {"job": "List", "output": "files"}}
            """)!, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal([new DependencyLink("List")], good.Links);
        Assert.Equal(("List", "files", 5), (good.Job.ForEachJob, good.Job.ForEachOutput, good.Job.ForEachMaxParallel));
        Assert.Equal("""{"job":"List","output":"files","max_parallel":5}""", JsonSerializer.Serialize(JobDocumentMapper.ToDocument(good.Job, good.Links).ForEach));

        JobDocumentMapper.ToDraft(JsonSerializer.Deserialize<JobDocument>("""
            {"name": "each", "job_type": "shell", "command": "true", "dependencies": [{"job": "List", "when": "always"}],
             "for_each": {"job": "List", "output": "2files", "max_parallel": 0}}
            """)!, errors);

        Assert.Equal(["for_each.job", "for_each.max_parallel", "for_each.output"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'List' gives the list, so its link runs on success, not always.", Assert.Single(errors.For("for_each.job")));
        Assert.Equal("max_parallel is from 1 to 100, not 0.", Assert.Single(errors.For("for_each.max_parallel")));
    }
}
