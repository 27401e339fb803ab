using EtlWeb.Features.Jobs.MainScreen;
using EtlWeb.Features.Layout;
using Microsoft.AspNetCore.Components;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The designer's folder: <c>/designer?folder=finance</c> shows the jobs of that folder and the folders below it, with
/// the jobs of other folders they are linked to as stubs; no folder shows every job.
/// </summary>
public sealed partial class DesignerPage
{
    private FolderView _view = FolderView.Empty;
    private IReadOnlyList<HiddenNeighbour> _hidden = [];
    private string _folder = "";

    [SupplyParameterFromQuery(Name = "folder")]
    public string? QueryFolder { get; set; }

    [Inject]
    private HiddenNeighbourReader HiddenNeighbours { get; set; } = null!;

    private IReadOnlyList<string> Folders => FolderSelect.Of(_jobs.View.Select(j => j.Folder));

    /// <summary>The folder asked for in the address; a path that is not one shows every job.</summary>
    private string AskedFolder()
    {
        var folder = Core.Jobs.FolderPath.Normalize(QueryFolder);
        return Core.Jobs.FolderPath.Problem(folder) is null ? folder : "";
    }

    /// <summary>The picker changes the address only: <see cref="FollowFolder"/> shows what it asks for, as for a link.</summary>
    private void ChooseFolder(string? folder) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("folder", string.IsNullOrEmpty(folder) ? null : folder), replace: true);

    private void FollowFolder()
    {
        var folder = AskedFolder();
        if (folder == _folder)
        {
            return;
        }

        _folder = folder;
        if (_loaded && _loadError is null)
        {
            ShowJobs();
            ReportCounts();
            if (_diagram.BoxCount > 0)
            {
                _diagram.FitToScreen();
            }
        }
    }

    private void ReportCounts() =>
        Shell.Report($"{Wording.Count(_diagram.BoxCount, "job")}, {Wording.Count(_diagram.LinkCount, "link")}"
            + (_diagram.Stubs.Count > 0 ? $", {Wording.Count(_diagram.Stubs.Count, "linked job")} outside this view" : ""));
}
