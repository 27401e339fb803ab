using EtlWeb.Core.Jobs;
using EtlWeb.Features.Designer;

namespace EtlWeb.Tests.Designer;

public sealed class FolderViewTests
{
    // ops/extract -> finance/load -> finance/daily/report -> archive (root); finance/load also waits for job 99, hidden.
    private static readonly JobDocument[] Jobs =
    [
        Job(1, "extract", "ops"),
        Job(2, "load", "finance", "extract"),
        Job(3, "report", "finance/daily", "load"),
        Job(4, "archive", "", "report"),
        Job(5, "cleanup", "ops"),
    ];

    private static readonly HiddenNeighbour[] Hidden = [new(2, HiddenIsUpstream: true), new(5, HiddenIsUpstream: false)];

    [Fact]
    public void A_folder_shows_its_jobs_and_those_below_it_and_stubs_for_the_jobs_linked_from_elsewhere()
    {
        var view = FolderView.Of(Jobs, "finance", Hidden);

        Assert.Equal(["load", "report"], view.Jobs.Select(j => j.Name));
        Assert.Equal(
            [new StubEnd(FolderView.JobKey(1), "extract", "ops"), new StubEnd(FolderView.JobKey(4), "archive", ""), new StubEnd(FolderView.HiddenKey(2, upstream: true), "a hidden job", null)],
            view.Stubs);
        Assert.Equal(
            [new StubEdge(FolderView.JobKey(1), 2, StubIsUpstream: true), new StubEdge(FolderView.JobKey(4), 3, StubIsUpstream: false), new StubEdge(FolderView.HiddenKey(2, upstream: true), 2, StubIsUpstream: true)],
            view.Edges);
        Assert.True(view.Stubs[2].Hidden);
    }

    [Fact]
    public void All_folders_show_every_job_and_stubs_only_for_hidden_jobs()
    {
        var view = FolderView.Of(Jobs, "", Hidden);

        Assert.Equal(5, view.Jobs.Count);
        Assert.All(view.Stubs, s => Assert.Equal(StubEnd.HiddenName, s.Name));
        Assert.Equal([new StubEdge(FolderView.HiddenKey(2, true), 2, true), new StubEdge(FolderView.HiddenKey(5, false), 5, false)], view.Edges);
    }

    [Fact]
    public void A_dependency_on_a_job_that_is_not_loaded_is_left_out_rather_than_throwing()
    {
        var view = FolderView.Of([Job(1, "orphan", "ops", "gone"), Job(2, "other", "finance", "orphan")], "ops", []);

        Assert.Equal(["orphan"], view.Jobs.Select(j => j.Name));
        Assert.Equal([new StubEnd(FolderView.JobKey(2), "other", "finance")], view.Stubs);
        Assert.Equal([new StubEdge(FolderView.JobKey(2), 1, StubIsUpstream: false)], view.Edges);
    }

    [Fact]
    public void A_folder_without_links_elsewhere_has_no_stubs_and_hidden_links_of_jobs_not_shown_are_dropped()
    {
        var view = FolderView.Of(Jobs, "finance/daily", [new(5, HiddenIsUpstream: false)]);

        Assert.Equal(["report"], view.Jobs.Select(j => j.Name));
        Assert.Equal(["load", "archive"], view.Stubs.Select(s => s.Name));
    }

    [Fact]
    public void A_group_drawn_alone_has_stubs_for_its_links_to_jobs_not_drawn()
    {
        var view = FolderView.Of(Jobs, [Jobs[1]], []);

        Assert.Equal(["load"], view.Jobs.Select(j => j.Name));
        Assert.Equal(["extract", "report"], view.Stubs.Select(s => s.Name));
        Assert.Equal([new StubEdge(FolderView.JobKey(1), 2, StubIsUpstream: true), new StubEdge(FolderView.JobKey(3), 2, StubIsUpstream: false)], view.Edges);
    }

    private static JobDocument Job(int id, string name, string folder, params string[] upstreams) => new()
    {
        Id = id,
        Name = name,
        Folder = folder,
        Dependencies = [.. upstreams.Select(u => new DependencyDocument { Job = u })],
    };
}
