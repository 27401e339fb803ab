using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>
/// The main screen's filters: text in the name, description or command (or inline script), and the job type,
/// the latest run's status and enabled state, and the folder (with the folders below it); an empty value lets everything through.
/// </summary>
public sealed record JobFilter(string Search = "", string Type = "", string Status = "", string Enabled = "", string Folder = "")
{
    public const string EnabledOnly = "enabled";
    public const string DisabledOnly = "disabled";

    public bool Matches(JobDocument job) =>
        MatchesSearch(job)
        && FolderPath.Covers(Folder, job.Folder ?? "")
        && (Type.Length == 0 || string.Equals(job.JobType, Type, StringComparison.Ordinal))
        && (Status.Length == 0 || string.Equals(job.Status ?? "Idle", Status, StringComparison.Ordinal))
        && Enabled switch
        {
            EnabledOnly => job.Enabled != false,
            DisabledOnly => job.Enabled == false,
            _ => true,
        };

    private bool MatchesSearch(JobDocument job)
    {
        var text = Search.Trim();
        return text.Length == 0 || Has(job.Name, text) || Has(job.Description, text) || Has(job.Command, text) || Has(job.Script, text);
    }

    private static bool Has(string? field, string text) => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
}
