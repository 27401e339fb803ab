using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Layout;

/// <summary>
/// What the app bar, the status bar and the page share in one browser tab: the job selected on the main
/// screen (the Jobs menu acts on it) and the last thing that happened (the status bar shows it).
/// One per circuit, cascaded by the layout; <see cref="Changed"/> is raised on the circuit's dispatcher.
/// </summary>
public sealed class ShellState
{
    public event Action? Changed;

    public JobDocument? SelectedJob { get; private set; }

    public string Message { get; private set; } = "Ready";

    private Func<JobCommand, Task>? _jobCommands;

    /// <summary>A page that can act on <see cref="SelectedJob"/> is showing and a job is selected.</summary>
    public bool CanRunJobCommands => _jobCommands is not null && SelectedJob is not null;

    /// <summary>The main screen handles the Jobs menu while it shows; it passes null when it goes away.</summary>
    public void HandleJobCommands(Func<JobCommand, Task>? handler)
    {
        _jobCommands = handler;
        Changed?.Invoke();
    }

    public Task RunJobCommandAsync(JobCommand command) => _jobCommands?.Invoke(command) ?? Task.CompletedTask;

    public void Select(JobDocument? job)
    {
        SelectedJob = job;
        Changed?.Invoke();
    }

    public void Report(string message)
    {
        Message = message;
        Changed?.Invoke();
    }
}
