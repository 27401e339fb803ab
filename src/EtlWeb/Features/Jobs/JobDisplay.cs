using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs;

/// <summary>How a job's fields read in lists.</summary>
public static class JobDisplay
{
    public static string Schedule(JobDocument job) => job.ScheduleType switch
    {
        "cron" => string.IsNullOrEmpty(job.TimeZone) ? $"Cron {job.CronExpression}" : $"Cron {job.CronExpression} ({job.TimeZone})",
        "interval" => job.IntervalMinutes == 1 ? "Every minute" : $"Every {job.IntervalMinutes} minutes",
        _ => "Manual",
    };
}
