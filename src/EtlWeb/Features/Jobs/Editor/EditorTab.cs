using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>The editor's tabs, in the order they are shown.</summary>
public enum EditorTab
{
    BasicInfo,
    Execution,
    Resources,
    Schedule,
    Parameters,
    Dependencies,
    Notifications,
}

/// <summary>Which tab shows each field of the job document, so a tab can carry the count of its errors.</summary>
public static class EditorTabs
{
    private static readonly Dictionary<string, EditorTab> Tabs = new(StringComparer.Ordinal)
    {
        [JobFields.Name] = EditorTab.BasicInfo,
        [JobFields.Description] = EditorTab.BasicInfo,
        [JobFields.JobType] = EditorTab.BasicInfo,
        [JobFields.Command] = EditorTab.BasicInfo,
        [JobFields.Script] = EditorTab.BasicInfo,
        [JobFields.Interpreter] = EditorTab.BasicInfo,
        [JobFields.Connection] = EditorTab.BasicInfo,
        [JobFields.Requirements] = EditorTab.BasicInfo,
        [JobFields.Enabled] = EditorTab.BasicInfo,
        [JobFields.WorkingDirectory] = EditorTab.Execution,
        [JobFields.Environment] = EditorTab.Execution,
        [JobFields.SecretEnvironment] = EditorTab.Execution,
        [JobFields.TimeoutSeconds] = EditorTab.Execution,
        [JobFields.MaxRetries] = EditorTab.Execution,
        [JobFields.RetryDelaySeconds] = EditorTab.Execution,
        [JobFields.RetryBackoff] = EditorTab.Execution,
        [JobFields.OverlapPolicy] = EditorTab.Execution,
        [JobFields.StallTimeoutSeconds] = EditorTab.Resources,
        [JobFields.MemoryLimitMb] = EditorTab.Resources,
        [JobFields.CpuLimitSeconds] = EditorTab.Resources,
        [JobFields.Pool] = EditorTab.Resources,
        [JobFields.PoolSlots] = EditorTab.Resources,
        [JobFields.Priority] = EditorTab.Resources,
        [JobFields.ScheduleType] = EditorTab.Schedule,
        [JobFields.CronExpression] = EditorTab.Schedule,
        [JobFields.TimeZone] = EditorTab.Schedule,
        [JobFields.IntervalMinutes] = EditorTab.Schedule,
        [JobFields.MisfirePolicy] = EditorTab.Schedule,
        [JobFields.Calendar] = EditorTab.Schedule,
        [JobFields.CalendarRule] = EditorTab.Schedule,
        [JobFields.Dependencies] = EditorTab.Dependencies,
        [JobFields.NotifyEmail] = EditorTab.Notifications,
        [JobFields.NotifyOnSuccess] = EditorTab.Notifications,
        [JobFields.NotifyOnFailure] = EditorTab.Notifications,
        [JobFields.NotifySlack] = EditorTab.Notifications,
        [JobFields.NotifyOnRecovery] = EditorTab.Notifications,
        [JobFields.NotifyFailureStreak] = EditorTab.Notifications,
        [JobFields.NotifyLongRunning] = EditorTab.Notifications,
        [JobFields.NotifyMissed] = EditorTab.Notifications,
    };

    /// <summary>A field the editor does not know is reported on the first tab rather than lost.</summary>
    public static EditorTab Of(string field) =>
        field.StartsWith(JobFields.Parameters, StringComparison.Ordinal) ? EditorTab.Parameters
        : field.StartsWith(JobFields.Dependencies, StringComparison.Ordinal) || field.StartsWith(JobFields.ForEach, StringComparison.Ordinal) ? EditorTab.Dependencies
        : Tabs.GetValueOrDefault(field, EditorTab.BasicInfo);

    public static string Title(EditorTab tab) => tab switch
    {
        EditorTab.BasicInfo => "Basic info",
        EditorTab.Execution => "Execution",
        EditorTab.Resources => "Resources",
        EditorTab.Schedule => "Schedule",
        EditorTab.Parameters => "Parameters",
        EditorTab.Dependencies => "Dependencies",
        _ => "Notifications",
    };
}
