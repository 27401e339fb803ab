using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class DependencyRulesTests
{
    private static readonly HashSet<string> Known = new(["extract", "transform", "load"], StringComparer.Ordinal);

    private static ValidationErrors Check(string job, IReadOnlyList<string> upstreams, DependencyGraph graph)
    {
        var errors = new ValidationErrors();
        DependencyRules.Check(job, upstreams, Known, graph, errors);
        return errors;
    }

    [Fact]
    public void Known_upstreams_without_a_cycle_pass_and_enter_the_graph()
    {
        var graph = new DependencyGraph([("extract", "transform")]);

        Assert.True(Check("load", ["transform", "extract"], graph).IsEmpty);

        graph.SetUpstreams("extract", ["load"]);
        Assert.Equal(["extract", "transform", "load", "extract"], graph.FindCycleThrough("extract"));
    }

    [Fact]
    public void Unknown_upstream_is_refused_naming_it()
    {
        var errors = Check("load", ["ghost"], new DependencyGraph([]));
        Assert.Equal(["There is no job named 'ghost' to depend on."], errors.For(JobFields.Dependencies));
    }

    [Fact]
    public void Self_dependency_is_refused_naming_the_job()
    {
        var errors = Check("load", ["load"], new DependencyGraph([]));
        Assert.Equal(["'load' cannot depend on itself."], errors.For(JobFields.Dependencies));
    }

    [Fact]
    public void Upstream_that_closes_a_cycle_is_refused_naming_every_job_of_it()
    {
        var graph = new DependencyGraph([("extract", "transform"), ("transform", "load")]);

        var errors = Check("extract", ["load"], graph);

        Assert.Equal(
            ["These dependencies form a cycle: extract -> transform -> load -> extract."],
            errors.For(JobFields.Dependencies));
    }

    [Fact]
    public void Every_bad_upstream_is_reported()
    {
        var errors = Check("load", ["load", "ghost", "phantom"], new DependencyGraph([]));
        Assert.Equal(3, errors.For(JobFields.Dependencies).Count);
    }
}
