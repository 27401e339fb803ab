namespace EtlWeb.Features.Designer;

/// <summary>The colour family of a box: what its job is doing or did last, or that it is disabled.</summary>
public enum BoxState
{
    Idle,
    Waiting,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Skipped,
    Disabled,
}

/// <summary>How a box's state reads: its CSS class (colours in app.css) and words for its tooltip and the legend.</summary>
public static class BoxLook
{
    public static BoxState StateOf(BoxFace face) =>
        !face.Enabled ? BoxState.Disabled : face.Status switch
        {
            "Running" => BoxState.Running,
            "Queued" or "Waiting" => BoxState.Waiting,
            "Succeeded" => BoxState.Succeeded,
            "Failed" or "TimedOut" or "UpstreamFailed" or "Interrupted" => BoxState.Failed,
            "Cancelled" => BoxState.Cancelled,
            "Skipped" => BoxState.Skipped,
            _ => BoxState.Idle,
        };

    public static string CssClass(BoxState state) => "etl-box-" + state.ToString().ToLowerInvariant();

    public static string Describe(BoxState state) => state switch
    {
        BoxState.Waiting => "Queued or waiting for upstream jobs",
        BoxState.Running => "Running",
        BoxState.Succeeded => "Last run succeeded",
        BoxState.Failed => "Last run failed",
        BoxState.Cancelled => "Last run cancelled",
        BoxState.Skipped => "Last run skipped",
        BoxState.Disabled => "Disabled",
        _ => "Idle",
    };
}
