using EtlWeb.Core.Scheduling;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// The field rules of a job that need no other job to check. Name uniqueness and dependencies are
/// checked by the catalogue against the whole set of jobs (<see cref="DependencyGraph"/>).
/// </summary>
public static class JobValidator
{
    public const int MaxNameLength = 100;
    public const int MaxRetriesLimit = 10;

    /// <summary>The logical date a template default is tried at when a job is saved.</summary>
    private static readonly DateTimeOffset SampleLogicalDate = new(2026, 1, 15, 2, 0, 0, TimeSpan.Zero);

    public static ValidationErrors Validate(Job job)
    {
        var errors = new ValidationErrors();
        var name = job.Name.Trim();
        if (name.Length == 0)
        {
            errors.Add(JobFields.Name, "Name is required.");
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(JobFields.Name, $"Name is {name.Length} characters long; at most {MaxNameLength} are allowed.");
        }

        if (FolderPath.Problem(job.Folder) is { } folder)
        {
            errors.Add(JobFields.Folder, folder);
        }

        if (string.IsNullOrWhiteSpace(job.Command) && string.IsNullOrWhiteSpace(job.Script))
        {
            errors.Add(JobFields.Command, "Give a command or an inline script.");
        }

        if (job.Kind == JobKind.Sql && job.Connection.Length == 0 && string.IsNullOrWhiteSpace(job.Command) && string.IsNullOrWhiteSpace(job.Interpreter))
        {
            errors.Add(JobFields.Interpreter, "An inline SQL script needs a connection, or the client that runs it (for example: sqlite3 /data/app.db, or psql -d mydb).");
        }

        errors.AddRange(RequirementRules.Validate(job));
        if (job.Parameters.Count > 0)
        {
            // A template default is tried once; the zone of a bad time_zone is reported by its own rule.
            var zone = CronSchedule.TryResolveZone(job.TimeZone, out var resolved) ? resolved : TimeZoneInfo.Utc;
            errors.AddRange(Parameters.ParameterRules.ValidateDeclarations(job.Parameters, zone, SampleLogicalDate));
        }

        if (job.TimeoutSeconds < 0)
        {
            errors.Add(JobFields.TimeoutSeconds, "Timeout must be 0 (none) or more seconds.");
        }

        errors.AddRange(ResourceRules.Validate(job));
        if (job.MaxRetries is < 0 or > MaxRetriesLimit)
        {
            errors.Add(JobFields.MaxRetries, $"Max retries must be between 0 and {MaxRetriesLimit}.");
        }

        if (job.RetryDelaySeconds < 0)
        {
            errors.Add(JobFields.RetryDelaySeconds, "Retry delay must be 0 or more seconds.");
        }

        if (double.IsNaN(job.RetryBackoff) || job.RetryBackoff < 1 || job.RetryBackoff > 10)
        {
            errors.Add(JobFields.RetryBackoff, "Retry backoff must be a factor between 1 (constant delay) and 10.");
        }

        if (job.NotifyFailureStreak is < 0 or > 100)
        {
            errors.Add(JobFields.NotifyFailureStreak, "Failure streak must be 0 (off) or between 2 and 100 failed runs in a row.");
        }
        else if (job.NotifyFailureStreak == 1)
        {
            errors.Add(JobFields.NotifyFailureStreak, "A streak of 1 is every failure: use notify_on_failure, or give 2 or more.");
        }

        if (double.IsNaN(job.NotifyLongRunning) || job.NotifyLongRunning < 0 || (job.NotifyLongRunning > 0 && job.NotifyLongRunning < 1) || job.NotifyLongRunning > 100)
        {
            errors.Add(JobFields.NotifyLongRunning, "Longer-than-usual must be 0 (off) or a multiple of the usual duration between 1 and 100.");
        }

        if (job.NotifyEmail.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(a => !IsEmailAddress(a)) is { } bad)
        {
            errors.Add(JobFields.NotifyEmail, $"'{bad}' is not an email address.");
        }

        foreach (var key in job.Environment.Keys)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(JobFields.Environment, $"'{key}' is not a valid environment variable name.");
            }
        }

        ValidateSchedule(job, errors);
        return errors;
    }

    private static void ValidateSchedule(Job job, ValidationErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(job.TimeZone) && !CronSchedule.TryResolveZone(job.TimeZone, out _))
        {
            var id = job.TimeZone.Trim();
            var hint = CronSchedule.IsWindowsOnly(id) && TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) ? $" Use its IANA id, {iana}." : " For example Europe/London.";
            errors.Add(JobFields.TimeZone, $"'{job.TimeZone}' is not a known IANA time zone.{hint}");
        }

        if (job.Calendar.Length > 0 && !ResourceRules.IsPoolName(job.Calendar))
        {
            errors.Add(JobFields.Calendar, $"'{job.Calendar}' is not a calendar name: use 1 to 64 letters, digits, '.', '_' or '-'.");
        }
        else if (job.Calendar.Length > 0 && job.ScheduleKind == ScheduleKind.Manual)
        {
            errors.Add(JobFields.Calendar, "A calendar applies to a Cron or Interval schedule; a Manual job has no fires to skip.");
        }

        switch (job.ScheduleKind)
        {
            case ScheduleKind.Cron:
                if (!CronSchedule.TryParse(job.CronExpression, out _, out var error))
                {
                    errors.Add(JobFields.CronExpression, error);
                }

                break;
            case ScheduleKind.Interval:
                if (job.IntervalMinutes < 1)
                {
                    errors.Add(JobFields.IntervalMinutes, "Interval must be at least 1 minute.");
                }

                break;
            case ScheduleKind.Manual:
                break;
        }
    }

    /// <summary>One '@' with text on both sides and a dot in the domain: enough to catch typos, not RFC 5322.</summary>
    private static bool IsEmailAddress(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.');
    }
}
