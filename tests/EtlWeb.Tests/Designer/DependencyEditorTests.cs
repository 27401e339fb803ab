using EtlWeb.Core.Jobs;
using EtlWeb.Features.Designer;
using EtlWeb.Features.Jobs;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Designer;

/// <summary>The designer's link edits go through the catalogue's validation and write nothing when refused.</summary>
public sealed class DependencyEditorTests : HostTest
{
    private JobCatalog Catalog => Factory.Services.GetRequiredService<JobCatalog>();

    private DependencyEditor Editor => Factory.Services.GetRequiredService<DependencyEditor>();

    private async Task<int> CreateAsync(string name, params string[] dependencies) =>
        (await Catalog.CreateAsync(new JobDocument { Name = name, JobType = "shell", Command = "true", Dependencies = [.. dependencies.Select(d => (DependencyDocument)d)] })).Id!.Value;

    private async Task<IReadOnlyList<string>> UpstreamsAsync(int id) => (await Catalog.GetAsync(id))!.UpstreamNames();

    [Fact]
    public async Task Adding_a_link_stores_the_dependency_and_keeps_the_others()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateAsync("extract");
        var stage = await CreateAsync("stage");
        var load = await CreateAsync("load", "stage");

        var change = await Editor.AddAsync(extract, load);

        Assert.Equal(new DependencyChange(true, "'load' now depends on 'extract'."), change);
        Assert.Equal(["extract", "stage"], (await UpstreamsAsync(load)).Order());
        Assert.Empty(await UpstreamsAsync(stage));
    }

    [Fact]
    public async Task A_link_closing_a_cycle_is_refused_naming_it_and_nothing_is_written()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateAsync("extract");
        var transform = await CreateAsync("transform", "extract");
        var load = await CreateAsync("load", "transform");

        var change = await Editor.AddAsync(load, extract);

        Assert.False(change.Done);
        Assert.Equal("These dependencies form a cycle: extract -> transform -> load -> extract.", change.Message);
        Assert.Empty(await UpstreamsAsync(extract));
        Assert.Equal(["transform"], await UpstreamsAsync(load));
    }

    [Fact]
    public async Task A_self_link_is_refused_naming_the_job()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateAsync("extract");

        var change = await Editor.AddAsync(extract, extract);

        Assert.Equal(new DependencyChange(false, "'extract' cannot depend on itself."), change);
        Assert.Empty(await UpstreamsAsync(extract));
    }

    [Fact]
    public async Task A_link_that_exists_already_is_not_added_twice()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateAsync("extract");
        var load = await CreateAsync("load", "extract");

        var change = await Editor.AddAsync(extract, load);

        Assert.Equal(new DependencyChange(false, "'load' already depends on 'extract'."), change);
        Assert.Equal(["extract"], await UpstreamsAsync(load));
    }

    [Fact]
    public async Task Removing_a_link_drops_only_that_dependency()
    {
        using var admin = Acting.AsAdmin();
        await CreateAsync("extract");
        var stage = await CreateAsync("stage");
        var load = await CreateAsync("load", "extract", "stage");

        var change = await Editor.RemoveAsync(stage, load);

        Assert.Equal(new DependencyChange(true, "'load' no longer depends on 'stage'."), change);
        Assert.Equal(["extract"], await UpstreamsAsync(load));
    }

    [Fact]
    public async Task Links_to_a_deleted_job_are_reported_and_change_nothing()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateAsync("extract");
        var load = await CreateAsync("load");
        await Catalog.DeleteAsync(extract);

        Assert.Equal(new DependencyChange(false, "One of these jobs was deleted meanwhile."), await Editor.AddAsync(extract, load));
        Assert.Equal(new DependencyChange(false, "One of these jobs was deleted meanwhile."), await Editor.RemoveAsync(extract, load));
        Assert.Empty(await UpstreamsAsync(load));
    }
}
