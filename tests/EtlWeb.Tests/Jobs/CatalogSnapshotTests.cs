using System.Collections.Immutable;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Jobs.MainScreen;
using EtlWeb.Security;

namespace EtlWeb.Tests.Jobs;

/// <summary>The shared catalogue's snapshot as each viewer may see it: the rules the database's folder filters apply, in memory.</summary>
public sealed class CatalogSnapshotTests
{
    private static readonly CatalogSnapshot All = Snapshot(
        Job(1, "Ops backup", "ops", token: "whk_ops"),
        Job(2, "Finance daily", "finance/daily", waiting: "waiting for Ops backup (running since 10:00:00)", upstreams: ["Ops backup", "Finance load"]),
        Job(3, "Finance load", "finance", token: "whk_load"),
        Job(4, "Financed elsewhere", "financed"));

    private static readonly Actor Admin = new("admin", EtlRoles.Admin, null);
    private static readonly Actor Viewer = new("viewer", EtlRoles.Viewer, null);
    private static readonly Actor FinanceOperator = new("fin", null, null) { Grants = [new FolderRole("finance", EtlRoles.Operator)] };

    [Fact]
    public void A_user_with_a_grant_on_one_folder_sees_only_its_jobs_and_never_a_hidden_jobs_name()
    {
        var view = All.For(ViewerScope.Of(FinanceOperator));

        Assert.Equal(["Finance daily", "Finance load"], view.ByName.Select(j => j.Name));
        Assert.Equal(["Finance daily", "Finance load"], view.Jobs.Values.Select(j => j.Name).Order(StringComparer.Ordinal));
        var daily = view.Jobs[2];
        Assert.Equal(["Finance load"], daily.UpstreamNames());
        Assert.Equal("waiting for a hidden job (running since 10:00:00)", daily.WaitingFor);
        Assert.DoesNotContain(view.Jobs.Values, j => (j.WaitingFor ?? "").Contains("Ops", StringComparison.Ordinal));
        Assert.Equal(["", "finance", "finance/daily"], view.Folders.Select(f => f.Path));
        Assert.Equal(All.Version, view.Version);
    }

    [Fact]
    public void Webhook_tokens_are_for_global_Operators_and_Admins_only()
    {
        Assert.Null(All.For(ViewerScope.Of(FinanceOperator)).Jobs[3].WebhookToken);
        Assert.All(All.For(ViewerScope.Of(Viewer)).Jobs.Values, j => Assert.Null(j.WebhookToken));
        Assert.Equal("whk_load", All.For(ViewerScope.Of(Admin)).Jobs[3].WebhookToken);
        Assert.Equal("whk_ops", All.For(ViewerScope.Of(new Actor("op", EtlRoles.Operator, null))).Jobs[1].WebhookToken);
    }

    [Fact]
    public void A_global_Viewer_sees_every_job_and_link_and_nobody_sees_nothing()
    {
        var viewer = All.For(ViewerScope.Of(Viewer));
        Assert.Equal(4, viewer.Jobs.Count);
        Assert.Equal(["Ops backup", "Finance load"], viewer.Jobs[2].UpstreamNames());
        Assert.Equal(All.Jobs[2].WaitingFor, viewer.Jobs[2].WaitingFor);

        Assert.Empty(All.For(ViewerScope.Of(null)).Jobs);
        Assert.Empty(All.For(ViewerScope.Of(new Actor("anonymous", null, null))).Jobs);
    }

    [Fact]
    public void Viewers_who_see_the_same_share_one_view_and_those_who_see_all_share_the_snapshot()
    {
        Assert.Same(All, All.For(ViewerScope.Of(Admin)));
        Assert.Same(All.For(ViewerScope.Of(Viewer)), All.For(ViewerScope.Of(new Actor("another viewer", EtlRoles.Viewer, null))));
        var other = new Actor("fin2", null, null) { Grants = [new FolderRole("finance", EtlRoles.Viewer)] };
        Assert.Same(All.For(ViewerScope.Of(FinanceOperator)), All.For(ViewerScope.Of(other)));

        // Unchanged documents are the same objects in every view: a tab holds references, not copies.
        Assert.Same(All.Jobs[2], All.For(ViewerScope.Of(Viewer)).Jobs[2]);
        Assert.Same(All.Jobs[4], All.For(ViewerScope.Of(Viewer)).Jobs[4]);
    }

    [Fact]
    public void A_tab_shows_the_snapshots_list_unfiltered_and_its_own_list_once_filtered_or_sorted()
    {
        var model = new JobListModel();
        model.Load(All);
        Assert.Same(All.ByName, model.View);
        Assert.Same(All.Folders, model.Folders());

        model.SetFilter(new JobFilter(Folder: "finance"));
        Assert.Equal(["Finance daily", "Finance load"], model.View.Select(j => j.Name));
        Assert.NotSame(All.ByName, model.View);

        // A change the tab makes (a saved job) is its own: the shared snapshot stays as it was.
        model.SetFilter(new JobFilter());
        model.Replace([new(4, null)]);
        Assert.Equal(3, model.Total);
        Assert.Equal(4, All.Jobs.Count);
        Assert.Equal(4, All.ByName.Count);
    }

    private static CatalogSnapshot Snapshot(params JobDocument[] jobs) => new(jobs.ToImmutableDictionary(j => j.Id!.Value), 7);

    private static JobDocument Job(int id, string name, string folder, string? token = null, string? waiting = null, string[]? upstreams = null) => new()
    {
        Id = id,
        Name = name,
        Folder = folder,
        WebhookToken = token,
        WaitingFor = waiting,
        Dependencies = [.. (upstreams ?? []).Select(u => new DependencyDocument { Job = u })],
    };
}
