using System.Text.Json;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// A job in the desktop tool's JSON export format: exactly the columns of its <c>jobs</c> table that describe a job, so
/// its File > Import Jobs (which writes each field into the column of that name) reads the file. What the desktop tool
/// cannot hold is left out: dependencies, inline scripts, the interpreter, secret variables, parameters, the time zone.
/// </summary>
public static class DesktopExport
{
    /// <summary>The job as the desktop tool exports one, its fields in the desktop's order; a timeout of 0 (none) is null, which is how the desktop tool says none.</summary>
    public static IReadOnlyDictionary<string, object?> Of(Job job)
    {
        var environment = job.Environment.Where(e => !job.SecretEnvironment.Contains(e.Key, StringComparer.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [JobFields.Name] = job.Name,
            [JobFields.Description] = job.Description,
            [JobFields.JobType] = JobText.Of(job.Kind),
            [JobFields.Command] = job.Command,
            [JobFields.WorkingDirectory] = job.WorkingDirectory,
            [JobFields.Desktop.EnvironmentVars] = environment.Count == 0 ? null : JsonSerializer.Serialize(environment),
            [JobFields.ScheduleType] = JobText.Of(job.ScheduleKind),
            [JobFields.CronExpression] = job.ScheduleKind == ScheduleKind.Cron ? job.CronExpression : null,
            [JobFields.IntervalMinutes] = job.ScheduleKind == ScheduleKind.Interval ? job.IntervalMinutes : null,
            [JobFields.Enabled] = job.Enabled,
            [JobFields.MaxRetries] = job.MaxRetries,
            [JobFields.RetryDelaySeconds] = job.RetryDelaySeconds,
            [JobFields.TimeoutSeconds] = job.TimeoutSeconds > 0 ? job.TimeoutSeconds : null,
            [JobFields.Desktop.NotificationEmail] = job.NotifyEmail,
            [JobFields.NotifyOnSuccess] = job.NotifyOnSuccess,
            [JobFields.NotifyOnFailure] = job.NotifyOnFailure,
        };
    }
}
