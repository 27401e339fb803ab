using Microsoft.AspNetCore.Components.Web;

namespace EtlWeb.Features.Designer;

/// <summary>What a box hands to the designer page: a double-click opens the job, a right-click its menu.</summary>
public interface IBoxCommands
{
    Task OpenAsync(JobBox box);

    Task ShowMenuAsync(JobBox box, MouseEventArgs args);
}
