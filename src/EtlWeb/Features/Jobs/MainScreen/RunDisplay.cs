using EtlWeb.Core.Runs;
using EtlWeb.Features.Layout;
using EtlWeb.Features.Runs;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>How a run reads in the history tables, and which actions apply to it.</summary>
public static class RunDisplay
{
    /// <summary>From the process start to the end; empty while it runs or when no process ever started.</summary>
    public static string Duration(RunDocument run) =>
        run is { StartedAt: { } start, FinishedAt: { } end } ? TimeDisplay.Duration(end - start) : "";

    /// <summary>A run that has not reached a final status can still be cancelled.</summary>
    public static bool CanCancel(RunDocument run) => Enum.TryParse<RunStatus>(run.Status, out var status) && !status.IsTerminal();

    /// <summary>A finished run that did not succeed can be run again, with what failed after it in its pipeline run.</summary>
    public static bool CanRerun(RunDocument run) =>
        Enum.TryParse<RunStatus>(run.Status, out var status) && status.IsTerminal() && status != RunStatus.Succeeded;
}
