using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class DependencyGraphTests
{
    private static DependencyGraph Graph(params (string Upstream, string Downstream)[] edges) => new(edges);

    [Fact]
    public void Job_without_edges_is_on_no_cycle() =>
        Assert.Null(Graph().FindCycleThrough("A"));

    [Theory]
    [InlineData("A")]
    [InlineData("C")]
    [InlineData("D")]
    public void Chain_has_no_cycle(string job) =>
        Assert.Null(Graph(("A", "B"), ("B", "C"), ("C", "D")).FindCycleThrough(job));

    [Fact]
    public void Diamond_is_acyclic()
    {
        // A -> B -> D and A -> C -> D: D is reached twice, which is fan-in, not a cycle.
        Assert.Null(Graph(("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")).FindCycleThrough("A"));
    }

    [Fact]
    public void Stacked_diamonds_with_every_fan_in_are_acyclic()
    {
        var edges = new List<(string, string)>();
        for (var level = 0; level < 50; level++)
        {
            foreach (var from in new[] { "a", "b", "c" })
            {
                foreach (var to in new[] { "a", "b", "c" })
                {
                    edges.Add(($"{from}{level:D2}", $"{to}{level + 1:D2}"));
                }
            }
        }

        Assert.Null(new DependencyGraph(edges).FindCycleThrough("a00"));
    }

    [Fact]
    public void Self_loop_is_a_cycle_of_one_job() =>
        Assert.Equal(["A", "A"], Graph(("A", "A")).FindCycleThrough("A"));

    [Fact]
    public void Two_jobs_depending_on_each_other_form_a_cycle() =>
        Assert.Equal(["A", "B", "A"], Graph(("A", "B"), ("B", "A")).FindCycleThrough("A"));

    [Fact]
    public void Cycle_is_listed_from_the_job_asked_about()
    {
        var graph = Graph(("A", "B"), ("B", "C"), ("C", "D"), ("D", "B"));
        Assert.Equal(["C", "D", "B", "C"], graph.FindCycleThrough("C"));

        // A leads into the cycle but is not on it.
        Assert.Null(graph.FindCycleThrough("A"));
    }

    [Fact]
    public void Cycle_is_found_after_a_finished_branch_that_shares_a_job()
    {
        // C -> D is walked and finished first; C -> E -> C is the cycle.
        var cycle = Graph(("A", "B"), ("A", "C"), ("B", "D"), ("C", "D"), ("C", "E"), ("E", "C")).FindCycleThrough("C");
        Assert.Equal(["C", "E", "C"], cycle);
    }

    [Fact]
    public void Five_thousand_job_cycle_is_found_without_exhausting_a_small_stack_and_listed_in_order()
    {
        const int count = 5_000;
        var names = Enumerable.Range(0, count).Select(i => $"job-{i:D4}").ToList();
        var edges = names.Select((name, i) => (name, names[(i + 1) % count]));
        IReadOnlyList<string>? cycle = null;

        // 256 KiB is far less than a recursive walk of 5,000 nested calls needs; the walk must be iterative.
        var thread = new Thread(() => cycle = new DependencyGraph(edges).FindCycleThrough(names[0]), maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal([.. names, names[0]], cycle);
        var message = DependencyGraph.DescribeCycle(cycle!);
        Assert.StartsWith("These dependencies form a cycle: job-0000 -> job-0001 -> job-0002", message, StringComparison.Ordinal);
        Assert.EndsWith("job-4998 -> job-4999 -> job-0000.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Five_thousand_job_chain_is_acyclic()
    {
        var names = Enumerable.Range(0, 5_000).Select(i => $"job-{i:D4}").ToList();
        var graph = new DependencyGraph(names.Zip(names.Skip(1)));
        Assert.Null(graph.FindCycleThrough(names[0]));
    }

    [Fact]
    public void Replacing_upstreams_drops_the_old_edges()
    {
        var graph = Graph(("A", "B"), ("B", "C"));
        graph.SetUpstreams("A", ["C"]);
        Assert.Equal(["A", "B", "C", "A"], graph.FindCycleThrough("A"));

        graph.SetUpstreams("A", []);
        Assert.Null(graph.FindCycleThrough("A"));
        Assert.Null(graph.FindCycleThrough("C"));
    }

    [Fact]
    public void Describe_names_the_jobs_in_edge_order() =>
        Assert.Equal("These dependencies form a cycle: load -> report -> load.", DependencyGraph.DescribeCycle(["load", "report", "load"]));
}
