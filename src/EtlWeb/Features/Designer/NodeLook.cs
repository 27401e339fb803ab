namespace EtlWeb.Features.Designer;

/// <summary>The colour family of a node: what its job is doing or did last, or that it is disabled.</summary>
public enum NodeState
{
    Idle,
    Waiting,
    Running,
    Succeeded,
    Failed,
    Disabled,
}

/// <summary>How a node's state reads: its CSS class (colours in app.css) and words for its tooltip and the legend.</summary>
public static class NodeLook
{
    public static NodeState StateOf(NodeFace face) =>
        !face.Enabled ? NodeState.Disabled : face.Status switch
        {
            "Running" => NodeState.Running,
            "Queued" or "Waiting" => NodeState.Waiting,
            "Succeeded" => NodeState.Succeeded,
            "Failed" or "TimedOut" or "UpstreamFailed" or "Interrupted" => NodeState.Failed,
            _ => NodeState.Idle,
        };

    public static string CssClass(NodeState state) => "etl-node-" + state.ToString().ToLowerInvariant();

    public static string Describe(NodeState state) => state switch
    {
        NodeState.Waiting => "Queued or waiting for upstream jobs",
        NodeState.Running => "Running",
        NodeState.Succeeded => "Last run succeeded",
        NodeState.Failed => "Last run failed",
        NodeState.Disabled => "Disabled",
        _ => "Idle",
    };
}
