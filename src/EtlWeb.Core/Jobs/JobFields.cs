namespace EtlWeb.Core.Jobs;

/// <summary>The job document's field names, shared by the API, import/export, validation and the editor.</summary>
public static class JobFields
{
    public const string Id = "id";
    public const string Name = "name";
    public const string Description = "description";
    public const string Folder = "folder";
    public const string JobType = "job_type";
    public const string Command = "command";
    public const string Script = "script";
    public const string Interpreter = "interpreter";
    public const string WorkingDirectory = "working_directory";
    public const string Environment = "environment";
    public const string SecretEnvironment = "secret_environment";
    public const string Requirements = "requirements";
    public const string TimeoutSeconds = "timeout_seconds";
    public const string StallTimeoutSeconds = "stall_timeout_seconds";
    public const string MemoryLimitMb = "memory_limit_mb";
    public const string CpuLimitSeconds = "cpu_limit_seconds";
    public const string Connection = "connection";
    public const string Pool = "pool";
    public const string PoolSlots = "pool_slots";
    public const string Priority = "priority";
    public const string MaxRetries = "max_retries";
    public const string RetryDelaySeconds = "retry_delay_seconds";
    public const string RetryBackoff = "retry_backoff";
    public const string ScheduleType = "schedule_type";
    public const string CronExpression = "cron_expression";
    public const string TimeZone = "time_zone";
    public const string IntervalMinutes = "interval_minutes";
    public const string Calendar = "calendar";
    public const string CalendarRule = "calendar_rule";
    public const string Dependencies = "dependencies";
    public const string Parameters = "parameters";
    public const string ForEach = "for_each";
    public const string NotifyEmail = "notify_email";
    public const string NotifyOnSuccess = "notify_on_success";
    public const string NotifyOnFailure = "notify_on_failure";
    public const string NotifySlack = "notify_slack";
    public const string NotifyOnRecovery = "notify_on_recovery";
    public const string NotifyFailureStreak = "notify_failure_streak";
    public const string NotifyLongRunning = "notify_long_running";
    public const string NotifyMissed = "notify_missed";
    public const string Enabled = "enabled";
    public const string OverlapPolicy = "overlap_policy";
    public const string MisfirePolicy = "misfire_policy";
    public const string WebhookToken = "webhook_token";
    public const string Status = "status";
    public const string LastRunAt = "last_run_at";
    public const string NextRunAt = "next_run_at";
    public const string PausedUntil = "paused_until";
    public const string ItemsProgress = "items_progress";
    public const string WaitingFor = "waiting_for";
    public const string Revision = "revision";

    /// <summary>The desktop tool's names that a document may still use: each is read into its EtlWeb field.</summary>
    public static class Desktop
    {
        public const string WorkingDirectory = "working_dir";
        public const string Timeout = "timeout";
        public const string RetryDelay = "retry_delay";
        public const string Email = "email";
        public const string Environment = "env_vars";

        /// <summary>The desktop database's column (and its JSON export's field): a JSON object written as a string.</summary>
        public const string EnvironmentVars = "environment_vars";

        public const string NotificationEmail = "notification_email";
    }
}
