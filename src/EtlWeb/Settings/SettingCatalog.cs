using EtlWeb.Configuration;

namespace EtlWeb.Settings;

/// <summary>The settings that can be changed on the Settings page (email and Slack come with the notifications issue).</summary>
public static class SettingCatalog
{
    public static SettingDefinition MaxConcurrentJobs { get; } = SettingDefinition.For<ExecutionOptions>(
        "EtlWeb:MaxConcurrentJobs", nameof(ExecutionOptions.MaxConcurrentJobs),
        s => s.Execution.MaxConcurrentJobs,
        (s, v) => s with { Execution = s.Execution with { MaxConcurrentJobs = (int)v } });

    public static SettingDefinition KillGraceSeconds { get; } = SettingDefinition.For<ExecutionOptions>(
        "EtlWeb:KillGraceSeconds", nameof(ExecutionOptions.KillGraceSeconds),
        s => s.Execution.KillGraceSeconds,
        (s, v) => s with { Execution = s.Execution with { KillGraceSeconds = (int)v } });

    public static SettingDefinition MaxLogBytesPerAttempt { get; } = SettingDefinition.For<ExecutionOptions>(
        "EtlWeb:MaxLogBytesPerAttempt", nameof(ExecutionOptions.MaxLogBytesPerAttempt),
        s => s.Execution.MaxLogBytesPerAttempt,
        (s, v) => s with { Execution = s.Execution with { MaxLogBytesPerAttempt = v } });

    public static SettingDefinition RetentionRunsPerJob { get; } = SettingDefinition.For<RetentionOptions>(
        "EtlWeb:Retention:RunsPerJob", nameof(RetentionOptions.RunsPerJob),
        s => s.Retention.RunsPerJob,
        (s, v) => s with { Retention = s.Retention with { RunsPerJob = (int)v } });

    public static SettingDefinition RetentionDays { get; } = SettingDefinition.For<RetentionOptions>(
        "EtlWeb:Retention:Days", nameof(RetentionOptions.Days),
        s => s.Retention.Days,
        (s, v) => s with { Retention = s.Retention with { Days = (int)v } });

    public static SettingDefinition RetentionAuditDays { get; } = SettingDefinition.For<RetentionOptions>(
        "EtlWeb:Retention:AuditDays", nameof(RetentionOptions.AuditDays),
        s => s.Retention.AuditDays,
        (s, v) => s with { Retention = s.Retention with { AuditDays = (int)v } });

    public static SettingDefinition MaxUpstreamWaitMinutes { get; } = SettingDefinition.For<SchedulerOptions>(
        "EtlWeb:Scheduler:MaxUpstreamWaitMinutes", nameof(SchedulerOptions.MaxUpstreamWaitMinutes),
        s => s.Scheduler.MaxUpstreamWaitMinutes,
        (s, v) => s with { Scheduler = s.Scheduler with { MaxUpstreamWaitMinutes = (int)v } });

    public static IReadOnlyList<SettingDefinition> All { get; } =
        [MaxConcurrentJobs, KillGraceSeconds, MaxLogBytesPerAttempt, RetentionRunsPerJob, RetentionDays, RetentionAuditDays, MaxUpstreamWaitMinutes];

    public static SettingDefinition? Find(string key) => All.FirstOrDefault(d => d.Key == key);
}
