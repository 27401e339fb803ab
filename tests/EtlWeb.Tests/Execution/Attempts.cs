using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Execution;

/// <summary>Plans and runs real attempts for the tests, with a temp directory of their own.</summary>
internal static class Attempts
{
    /// <summary>Only a guard against a hung test; no test asserts how long anything takes.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static string TempDirectory { get; } = Path.Combine(Path.GetTempPath(), "etlweb-execution-tests");

    public static string NewMarker() => "test-" + Guid.NewGuid().ToString("N");

    public static Job Shell(string command) => new() { Kind = JobKind.Shell, Command = command };

    /// <summary>What a job inherits from this test process, as EtlWeb's default allow-list selects it.</summary>
    public static IReadOnlyDictionary<string, string> Inherited { get; } = InheritedEnvironment.With([]).Select(Environment.GetEnvironmentVariables());

    public static LaunchPlan Plan(Job job, string marker) => LaunchPlanner.Plan(job, marker, TempDirectory, Inherited);

    /// <summary>Where the tests' attempts spool their output: a directory per test process.</summary>
    public static string SpoolRoot { get; } = Path.Combine(TempDirectory, $"spool-{Environment.ProcessId}");

    private static long lastSpool;

    public static AttemptSpool NewSpool() => new(SpoolRoot, Interlocked.Increment(ref lastSpool));

    public static SpooledProcess Start(LaunchPlan plan, ListOutput output) => Start(plan, NewSpool(), output);

    public static SpooledProcess Start(LaunchPlan plan, AttemptSpool spool, IAttemptOutput output)
    {
        Assert.Null(plan.Error);
        return SpooledProcess.Start(plan.Spec!, spool, [], output, TimeProvider.System);
    }

    public static Task<int?> WaitAsync(SpooledProcess process) => process.Completion.WaitAsync(Patience);

    public static async Task<(int? ExitCode, ListOutput Output)> RunAsync(Job job)
    {
        var plan = Plan(job, NewMarker());
        var output = new ListOutput();
        await using var process = Start(plan, output);
        var exitCode = await WaitAsync(process);
        Assert.False(output.SawConcurrentCalls);
        return (exitCode, output);
    }

    /// <summary>Waits until the marked processes include <paramref name="count"/> running <paramref name="program"/>.</summary>
    public static async Task<IReadOnlyList<int>> WaitForMarkedAsync(string marker, string program, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var marked = ProcessTree.FindByMarker(marker);
            if (marked.Count(pid => CommandName(pid) == program) >= count)
            {
                return marked;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    private static string? CommandName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
