using EtlWeb.Configuration;

namespace EtlWeb.Settings;

/// <summary>The settings in force: the configured options with every value saved on the Settings page applied.</summary>
public sealed record EffectiveSettings(ExecutionOptions Execution, RetentionOptions Retention, SchedulerOptions Scheduler);
