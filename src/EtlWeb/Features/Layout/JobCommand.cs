namespace EtlWeb.Features.Layout;

/// <summary>What the Jobs menu and the main screen's toolbar can do with the selected job.</summary>
public enum JobCommand
{
    RunNow,
    RunAlone,
    Backfill,
    Edit,
    Delete,
    ToggleEnabled,
    SaveAsTemplate,
}
