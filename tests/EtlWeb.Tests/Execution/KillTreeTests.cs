using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Execution;

public sealed class KillTreeTests
{
    [Fact]
    public async Task Kills_the_group_and_descendants_that_left_it_through_setsid_or_a_double_fork()
    {
        var marker = Attempts.NewMarker();
        var plan = Attempts.Plan(Attempts.Shell("setsid sleep 300 & (sleep 300 &) ; sleep 300"), marker);
        await using var process = Attempts.Start(plan, new ListOutput());
        var tree = await Attempts.WaitForMarkedAsync(marker, "sleep", 3);

        var survivors = await process.KillTreeAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(survivors);
        Assert.DoesNotContain(tree, ProcessTree.IsAlive);
        Assert.Empty(ProcessTree.FindByMarker(marker));
        await Attempts.WaitAsync(process);
    }

    [Fact]
    public async Task A_child_that_ignores_sigterm_is_sigkilled_after_the_grace()
    {
        var marker = Attempts.NewMarker();
        var plan = Attempts.Plan(Attempts.Shell("trap '' TERM; sleep 300"), marker);
        await using var process = Attempts.Start(plan, new ListOutput());
        var tree = await Attempts.WaitForMarkedAsync(marker, "sleep", 1);

        var survivors = await process.KillTreeAsync(TimeSpan.FromMilliseconds(300));

        Assert.Empty(survivors);
        Assert.DoesNotContain(tree, ProcessTree.IsAlive);
        Assert.Equal(128 + 9, await Attempts.WaitAsync(process));
    }

    [Fact]
    public async Task Survivors_of_a_previous_node_are_found_and_killed_by_marker_alone()
    {
        var marker = Attempts.NewMarker();
        var plan = Attempts.Plan(Attempts.Shell("setsid sleep 300 & sleep 300"), marker);
        await using var process = Attempts.Start(plan, new ListOutput());
        var tree = await Attempts.WaitForMarkedAsync(marker, "sleep", 2);

        var survivors = await ProcessTree.KillAllAsync(pgid: null, marker, TimeSpan.FromSeconds(5));

        Assert.Empty(survivors);
        Assert.DoesNotContain(tree, ProcessTree.IsAlive);
    }

    [Fact]
    public async Task Finds_the_marked_processes_nothing_for_an_unknown_marker_and_never_the_current_process()
    {
        var marker = Attempts.NewMarker();
        await using var process = Attempts.Start(Attempts.Plan(Attempts.Shell("sleep 300"), marker), new ListOutput());
        var marked = await Attempts.WaitForMarkedAsync(marker, "sleep", 1);

        Assert.Contains(process.Pid, marked);
        Assert.Empty(ProcessTree.FindByMarker(Attempts.NewMarker()));
        Assert.DoesNotContain(Environment.ProcessId, marked);
        Assert.True(ProcessTree.IsAlive(Environment.ProcessId));
        Assert.Empty(await process.KillTreeAsync(TimeSpan.FromSeconds(5)));
        await Attempts.WaitAsync(process);
    }
}
