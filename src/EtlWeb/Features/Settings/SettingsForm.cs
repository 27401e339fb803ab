using EtlWeb.Settings;

namespace EtlWeb.Features.Settings;

/// <summary>The fields of the Settings page in their units, and what a save sends to the store.</summary>
public sealed class SettingsForm
{
    private const long Megabyte = 1024 * 1024;

    public SettingsForm(SettingsStore store)
    {
        MaxConcurrentJobs = new(SettingCatalog.MaxConcurrentJobs, store, 1, 0, "");
        KillGraceSeconds = new(SettingCatalog.KillGraceSeconds, store, 1, 0, "s");
        MaxLogMegabytes = new(SettingCatalog.MaxLogBytesPerAttempt, store, Megabyte, 2, "MB");
        RunsPerJob = new(SettingCatalog.RetentionRunsPerJob, store, 1, 0, "runs");
        RetentionDays = new(SettingCatalog.RetentionDays, store, 1, 0, "days");
        AuditDays = new(SettingCatalog.RetentionAuditDays, store, 1, 0, "days");
        MaxUpstreamWait = new(SettingCatalog.MaxUpstreamWaitMinutes, store, 1, 0, "min", HoursAndMinutes);
        All = [MaxConcurrentJobs, KillGraceSeconds, MaxLogMegabytes, RunsPerJob, RetentionDays, AuditDays, MaxUpstreamWait];
    }

    public SettingInput MaxConcurrentJobs { get; }

    public SettingInput KillGraceSeconds { get; }

    public SettingInput MaxLogMegabytes { get; }

    public SettingInput RunsPerJob { get; }

    public SettingInput RetentionDays { get; }

    public SettingInput AuditDays { get; }

    /// <summary>In minutes; the page edits it as hours and minutes.</summary>
    public SettingInput MaxUpstreamWait { get; }

    public IReadOnlyList<SettingInput> All { get; }

    public bool HasChanges => All.Any(i => i.IsChanged);

    public int ErrorCount => All.Count(i => i.Error is not null);

    /// <summary>The changed fields by key: null sends a field back to its configured default.</summary>
    public IReadOnlyDictionary<string, long?> Changes() =>
        All.Where(i => i.IsChanged).ToDictionary(i => i.Setting.Key, i => i.ToSave());

    public void Load(SettingsStore store)
    {
        foreach (var input in All)
        {
            input.Load(store);
        }
    }

    /// <summary>"1 h 30 min", "24 h", "45 min".</summary>
    public static string HoursAndMinutes(decimal minutes)
    {
        var hours = (long)(minutes / 60);
        var rest = (long)(minutes % 60);
        return (hours, rest) switch
        {
            (0, _) => $"{rest} min",
            (_, 0) => $"{SettingInput.Number(hours)} h",
            _ => $"{SettingInput.Number(hours)} h {rest} min",
        };
    }
}
