using Microsoft.AspNetCore.Components.Web;

namespace EtlWeb.Features.Designer;

/// <summary>What a node hands to the designer page: a double-click opens the job, a right-click its menu.</summary>
public interface INodeCommands
{
    Task OpenAsync(JobNode node);

    Task ShowMenuAsync(JobNode node, MouseEventArgs args);
}
