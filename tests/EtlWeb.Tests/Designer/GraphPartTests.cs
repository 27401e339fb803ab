using EtlWeb.Core.Jobs;
using EtlWeb.Features.Designer;

namespace EtlWeb.Tests.Designer;

public sealed class GraphPartTests
{
    // Three groups: a -> b -> c and d -> c (four jobs, linked up and down), e -> f, and g alone.
    private static readonly JobDocument[] Jobs =
    [
        Job(1, "a"), Job(2, "b", "a"), Job(3, "c", "b", "d"), Job(4, "d"),
        Job(5, "e"), Job(6, "f", "e"),
        Job(7, "g"),
    ];

    [Fact]
    public void A_view_up_to_the_threshold_is_drawn_whole_whatever_job_is_asked_for()
    {
        var part = GraphPart.Of(Jobs, "f", drawAllUpTo: 7);

        Assert.True(part.IsWhole);
        Assert.Equal(Jobs, part.Jobs);
        Assert.Null(part.Describe(""));
    }

    [Fact]
    public void Beyond_the_threshold_the_group_of_the_job_asked_for_is_drawn_linked_up_and_down()
    {
        var part = GraphPart.Of(Jobs, "d", drawAllUpTo: 6);

        Assert.False(part.IsWhole);
        Assert.Equal(["a", "b", "c", "d"], part.Jobs.Select(j => j.Name));
        Assert.Equal("d", part.Around!.Name);
        Assert.Equal(7, part.Total);
        Assert.Equal("Showing the 4 jobs linked to d; 3 more in all folders: find a job to open its group.", part.Describe(""));

        Assert.Equal(["e", "f"], GraphPart.Of(Jobs, "E", drawAllUpTo: 6).Jobs.Select(j => j.Name));
        Assert.Equal("Showing only g, linked to no other job; 6 more in folder ops: find a job to open its group.", GraphPart.Of(Jobs, "g", drawAllUpTo: 6).Describe("ops"));
    }

    [Fact]
    public void Without_a_job_or_with_an_unknown_one_the_largest_group_is_drawn_around_its_first_job_by_name()
    {
        foreach (var around in new[] { null, "nowhere" })
        {
            var part = GraphPart.Of(Jobs, around, drawAllUpTo: 2);

            Assert.Equal(["a", "b", "c", "d"], part.Jobs.Select(j => j.Name));
            Assert.Equal("a", part.Around!.Name);
        }
    }

    [Fact]
    public void Ten_thousand_jobs_in_chains_of_ten_are_drawn_ten_at_a_time_and_a_link_leaving_the_view_joins_no_group()
    {
        var jobs = Enumerable.Range(0, 10_000)
            .Select(i => Job(i + 1, $"job {i:D5}", i % 10 == 0 ? [] : [$"job {i - 1:D5}"]))
            .ToList();
        jobs[10] = jobs[10] with { Dependencies = [new DependencyDocument { Job = "not in this view" }] };

        var part = GraphPart.Of(jobs, "job 04567");

        Assert.Equal([.. Enumerable.Range(4560, 10).Select(i => $"job {i:D5}")], part.Jobs.Select(j => j.Name));
        Assert.Equal("Showing the 10 jobs linked to job 04567; 9,990 more in all folders: find a job to open its group.", part.Describe(""));
        Assert.Equal(10, GraphPart.Of(jobs, "job 00010").Jobs.Count);
    }

    private static JobDocument Job(int id, string name, params string[] upstreams) => new()
    {
        Id = id,
        Name = name,
        Folder = "ops",
        Dependencies = [.. upstreams.Select(u => new DependencyDocument { Job = u })],
    };
}
