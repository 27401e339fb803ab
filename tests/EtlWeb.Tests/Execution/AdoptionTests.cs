using System.Diagnostics;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

/// <summary>
/// A process under its supervisor outlives whoever follows it: detached, it runs on and writes to its spool; adopted,
/// its output is read on from the stored offset and its end comes from the supervisor's record.
/// </summary>
public sealed class AdoptionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_detached_process_runs_on_and_its_adoption_reads_every_line_once_in_order()
    {
        var marker = Attempts.NewMarker();
        var spool = Attempts.NewSpool();
        var plan = Attempts.Plan(Attempts.Shell("for i in $(seq 1 30); do echo $i; sleep 0.02; done; exit 5"), marker);
        var before = new ListOutput();
        var process = Attempts.Start(plan, spool, before);
        await WaitForAsync(() => before.Texts(LogStream.Stdout).Count >= 3);

        await process.DetachAsync();
        await process.DisposeAsync();
        Assert.True(SpooledProcess.IsAlive(process.Pid, marker) || spool.RecordedExit() is not null);

        var after = new ListOutput();
        await using var adopted = SpooledProcess.Adopt(
            process.Pid, marker, spool, new SpoolOffsets(before.Stored(LogStream.Stdout), 0), plan.Spec!.Secrets, after, TimeProvider.System);

        Assert.Equal(5, await adopted.Completion.WaitAsync(Patience));
        var numbers = before.Texts(LogStream.Stdout).Concat(after.Texts(LogStream.Stdout));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), numbers);
        spool.Delete();
    }

    [Fact]
    public async Task A_process_that_ended_while_nobody_followed_it_gives_its_recorded_exit_code_and_the_rest_of_its_output()
    {
        var marker = Attempts.NewMarker();
        var spool = Attempts.NewSpool();
        var plan = Attempts.Plan(Attempts.Shell("echo one; sleep 0.3; echo two >&2; echo three; exit 3"), marker);
        var before = new ListOutput();
        var process = Attempts.Start(plan, spool, before);
        await WaitForAsync(() => before.Texts(LogStream.Stdout).Count >= 1);
        await process.DetachAsync();
        await process.DisposeAsync();
        await WaitForAsync(() => spool.RecordedExit() is not null);

        var after = new ListOutput();
        await using var adopted = SpooledProcess.Adopt(
            process.Pid, marker, spool, new SpoolOffsets(before.Stored(LogStream.Stdout), 0), plan.Spec!.Secrets, after, TimeProvider.System);

        Assert.Equal(3, await adopted.Completion.WaitAsync(Patience));
        Assert.Equal(["one", "three"], before.Texts(LogStream.Stdout).Concat(after.Texts(LogStream.Stdout)));
        Assert.Equal(["two"], after.Texts(LogStream.Stderr));
        spool.Delete();
    }

    [Fact]
    public async Task An_adopted_process_whose_supervisor_was_killed_has_no_exit_code()
    {
        var marker = Attempts.NewMarker();
        var spool = Attempts.NewSpool();
        var process = Attempts.Start(Attempts.Plan(Attempts.Shell("sleep 300"), marker), spool, new ListOutput());
        await process.DetachAsync();
        await process.DisposeAsync();
        // SIGKILL to the whole group at once: the supervisor gets no chance to record anything.
        Assert.Equal(0, NativeMethods.Kill(-process.Pid, NativeMethods.SigKill));
        await WaitForAsync(() => !SpooledProcess.IsAlive(process.Pid, marker));

        await using var adopted = SpooledProcess.Adopt(process.Pid, marker, spool, default, new SecretMasker([]), new ListOutput(), TimeProvider.System);

        Assert.Null(await adopted.Completion.WaitAsync(Patience));
        spool.Delete();
    }

    [Fact]
    public async Task Killing_an_adopted_tree_ends_every_process_and_the_supervisor_records_the_signal()
    {
        var marker = Attempts.NewMarker();
        var spool = Attempts.NewSpool();
        var process = Attempts.Start(Attempts.Plan(Attempts.Shell("setsid sleep 300 & sleep 300"), marker), spool, new ListOutput());
        var tree = await Attempts.WaitForMarkedAsync(marker, "sleep", 2);
        await process.DetachAsync();
        await process.DisposeAsync();

        await using var adopted = SpooledProcess.Adopt(process.Pid, marker, spool, default, new SecretMasker([]), new ListOutput(), TimeProvider.System);
        Assert.Empty(await adopted.KillTreeAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(128 + 15, await adopted.Completion.WaitAsync(Patience));
        Assert.DoesNotContain(tree, ProcessTree.IsAlive);
        Assert.Empty(ProcessTree.FindByMarker(marker));
        spool.Delete();
    }

    [Fact]
    public async Task Stored_output_is_freed_from_the_spool_file_as_the_job_writes()
    {
        var spool = Attempts.NewSpool();
        var plan = Attempts.Plan(Attempts.Shell("head -c 24000000 /dev/zero | tr '\\0' a | fold -w 1000"), Attempts.NewMarker());
        var output = new ListOutput();
        await using (var process = Attempts.Start(plan, spool, output))
        {
            Assert.Equal(0, await process.Completion.WaitAsync(Patience));
        }

        Assert.Equal(24_000, output.Texts(LogStream.Stdout).Count);
        Assert.Equal(24_023_999, new FileInfo(spool.StdoutPath).Length); // fold adds no newline after the last line
        Assert.True(AllocatedBytes(spool.StdoutPath) < 10_000_000, $"{AllocatedBytes(spool.StdoutPath)} bytes still allocated");
        spool.Delete();
    }

    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }
}
