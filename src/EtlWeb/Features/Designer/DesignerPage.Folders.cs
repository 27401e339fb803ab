using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs.MainScreen;
using EtlWeb.Features.Layout;
using Microsoft.AspNetCore.Components;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The designer's folder: <c>/designer?folder=finance</c> shows the jobs of that folder and the folders below it, with
/// the jobs of other folders they are linked to as stubs; no folder shows every job. Beyond
/// <see cref="GraphPart.DrawAllUpTo"/> jobs one group is drawn: that of <c>?job=NAME</c>, else the largest.
/// </summary>
public sealed partial class DesignerPage
{
    private FolderView _view = FolderView.Empty;
    private GraphPart _part = new([], 0, null);
    private IReadOnlyList<JobDocument> _inFolder = [];
    private IReadOnlyList<HiddenNeighbour> _hidden = [];
    private string _folder = "";
    private string? _around;

    [SupplyParameterFromQuery(Name = "folder")]
    public string? QueryFolder { get; set; }

    [SupplyParameterFromQuery(Name = "job")]
    public string? QueryJob { get; set; }

    [Inject]
    private HiddenNeighbourReader HiddenNeighbours { get; set; } = null!;

    private IReadOnlyList<string> Folders => FolderSelect.Of(_jobs.View.Select(j => j.Folder));

    /// <summary>The folder asked for in the address; a path that is not one shows every job.</summary>
    private string AskedFolder()
    {
        var folder = Core.Jobs.FolderPath.Normalize(QueryFolder);
        return Core.Jobs.FolderPath.Problem(folder) is null ? folder : "";
    }

    private string? AskedJob() => string.IsNullOrWhiteSpace(QueryJob) ? null : QueryJob;

    /// <summary>The picker changes the address only: <see cref="FollowAddress"/> shows what it asks for, as for a link.</summary>
    private void ChooseFolder(string? folder) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["folder"] = string.IsNullOrEmpty(folder) ? null : folder,
            ["job"] = null,
        }), replace: true);

    /// <summary>Find a job names it in the address, so that a large view opens its group and a reload keeps it.</summary>
    private void ChooseJob(string name) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("job", name), replace: true);

    private void FollowAddress()
    {
        var (folder, job) = (AskedFolder(), AskedJob());
        if (folder == _folder && job == _around)
        {
            return;
        }

        (_folder, _around) = (folder, job);
        if (_loaded && _loadError is null)
        {
            ShowJobs();
            ReportCounts();
            ShowChosen();
        }
    }

    /// <summary>Centres the job the address names when it is drawn; otherwise fits every box drawn on screen.</summary>
    private void ShowChosen()
    {
        if (_around is not null && _jobs.FindByName(_around)?.Id is { } id && _diagram.Find(id) is { } box)
        {
            _diagram.CentreOn(box);
        }
        else if (_diagram.BoxCount > 0)
        {
            _diagram.FitToScreen();
        }
    }

    /// <summary>Every job of the view, drawn or not, searched in memory.</summary>
    private Task<IEnumerable<string>> SearchAsync(string? text, CancellationToken cancellationToken) =>
        Task.FromResult<IEnumerable<string>>([.. _inFolder.Select(j => j.Name ?? "")
            .Where(n => string.IsNullOrWhiteSpace(text) || n.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase))]);

    private Task FindAsync(string? name)
    {
        _found = name;
        if (name is null || _jobs.FindByName(name)?.Id is not { } id)
        {
            return Task.CompletedTask;
        }

        if (_diagram.Find(id) is { } box)
        {
            _diagram.CentreOn(box);
        }
        else
        {
            ChooseJob(name);
        }

        return Task.CompletedTask;
    }

    private void ReportCounts() =>
        Shell.Report($"{Wording.Count(_diagram.BoxCount, "job")}, {Wording.Count(_diagram.LinkCount, "link")}"
            + (_diagram.Stubs.Count > 0 ? $", {Wording.Count(_diagram.Stubs.Count, "linked job")} outside this view" : ""));
}
