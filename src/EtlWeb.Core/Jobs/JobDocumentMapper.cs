using System.Reflection;
using System.Text.Json;
using EtlWeb.Core.Documents;

namespace EtlWeb.Core.Jobs;

/// <summary>A job read from a document, before the catalogue checks it against the other jobs.</summary>
/// <param name="SecretsWithoutValue">Secret variables the document names without a value: an update keeps the stored value.</param>
public sealed record JobDraft(Job Job, IReadOnlyList<DependencyLink> Links, IReadOnlyList<string> SecretsWithoutValue)
{
    /// <summary>The upstream jobs' names.</summary>
    public IReadOnlyList<string> Dependencies { get; } = [.. Links.Select(l => l.Job)];
}

/// <summary>Converts between the job document and the job model, reporting every bad field.</summary>
public static class JobDocumentMapper
{
    public static JobDraft ToDraft(JobDocument document, ValidationErrors errors)
    {
        var extra = document.Extra ?? [];
        var job = new Job
        {
            Name = (document.Name ?? "").Trim(),
            Description = document.Description ?? "",
            Folder = FolderPath.Normalize(document.Folder),
            Command = document.Command ?? "",
            Script = document.Script ?? "",
            Interpreter = document.Interpreter ?? "",
            WorkingDirectory = document.WorkingDirectory ?? DesktopFields.String(extra, JobFields.Desktop.WorkingDirectory, JobFields.WorkingDirectory, errors) ?? "",
            TimeoutSeconds = document.TimeoutSeconds ?? DesktopFields.Int(extra, JobFields.Desktop.Timeout, JobFields.TimeoutSeconds, errors) ?? 0,
            StallTimeoutSeconds = document.StallTimeoutSeconds ?? 0,
            MemoryLimitMb = document.MemoryLimitMb ?? 0,
            CpuLimitSeconds = document.CpuLimitSeconds ?? 0,
            Connection = (document.Connection ?? "").Trim(),
            Pool = (document.Pool ?? "").Trim(),
            PoolSlots = document.PoolSlots ?? 1,
            Priority = document.Priority ?? 0,
            MaxRetries = document.MaxRetries ?? 0,
            RetryDelaySeconds = document.RetryDelaySeconds ?? DesktopFields.Int(extra, JobFields.Desktop.RetryDelay, JobFields.RetryDelaySeconds, errors) ?? 0,
            RetryBackoff = document.RetryBackoff ?? 1.0,
            CronExpression = (document.CronExpression ?? "").Trim(),
            TimeZone = (document.TimeZone ?? "").Trim(),
            IntervalMinutes = document.IntervalMinutes ?? 0,
            Calendar = (document.Calendar ?? "").Trim(),
            NotifyEmail = (document.NotifyEmail ?? DesktopFields.String(extra, JobFields.Desktop.NotificationEmail, JobFields.NotifyEmail, errors) ?? DesktopFields.String(extra, JobFields.Desktop.Email, JobFields.NotifyEmail, errors) ?? "").Trim(),
            NotifyOnSuccess = document.NotifyOnSuccess ?? false,
            NotifyOnFailure = document.NotifyOnFailure ?? true,
            NotifySlack = document.NotifySlack ?? false,
            NotifyOnRecovery = document.NotifyOnRecovery ?? false,
            NotifyFailureStreak = document.NotifyFailureStreak ?? 0,
            NotifyLongRunning = document.NotifyLongRunning ?? 0,
            NotifyMissed = document.NotifyMissed ?? false,
            Enabled = document.Enabled ?? true,
            DesignerX = document.DesignerX,
            DesignerY = document.DesignerY,
        };

        job.Kind = ParseEnum(document.JobType, JobKind.Shell, JobFields.JobType, errors, required: true);
        job.ScheduleKind = ParseEnum(document.ScheduleType, ScheduleKind.Manual, JobFields.ScheduleType, errors, required: false);
        job.OverlapPolicy = ParseEnum(document.OverlapPolicy, OverlapPolicy.Skip, JobFields.OverlapPolicy, errors, required: false);
        job.MisfirePolicy = ParseEnum(document.MisfirePolicy, MisfirePolicy.RunOnce, JobFields.MisfirePolicy, errors, required: false);
        job.CalendarRule = ParseEnum(document.CalendarRule, CalendarRule.Skip, JobFields.CalendarRule, errors, required: false);
        job.Environment = ReadEnvironment(document.Environment, extra, errors);

        var secrets = Names(document.SecretEnvironment, JobFields.SecretEnvironment, errors).Distinct(StringComparer.Ordinal).ToList();
        var withoutValue = secrets.Where(s => !job.Environment.ContainsKey(s)).ToList();
        foreach (var name in withoutValue)
        {
            job.Environment[name] = "";
        }

        job.SecretEnvironment = secrets;
        job.Requirements = [.. Lines(document.Requirements, JobFields.Requirements, errors)];
        if (document.Parameters?.Any(p => p is null) == true)
        {
            errors.Add(JobFields.Parameters, "parameters must list declarations; null is not one.");
        }

        job.Parameters = [.. (document.Parameters ?? []).Select((p, i) => (p, i)).Where(x => x.p is not null).Select(x => x.p.ToParameter(x.i, errors))];
        var links = DependencyLinks.Read(document.Dependencies, errors);
        ForEachDocument.Apply(document.ForEach, job, links, errors);
        errors.AddRange(JobValidator.Validate(job));
        return new JobDraft(job, links, withoutValue);
    }

    /// <summary>
    /// The fields of a document that change nothing on input: names no EtlWeb field reads, and the read-only fields
    /// (id, status, times, webhook token). An import reads on and lists them in its report.
    /// </summary>
    public static IReadOnlyList<string> IgnoredFields(JobDocument document)
    {
        var accepted = typeof(JobDocument).GetCustomAttribute<AlsoAcceptsAttribute>()!.Names;
        var unknown = (document.Extra ?? []).Keys.Where(k => !accepted.Contains(k, StringComparer.Ordinal));
        (string Name, object? Value)[] readOnly =
        [
            (JobFields.Id, document.Id), (JobFields.Status, document.Status), (JobFields.LastRunAt, document.LastRunAt),
            (JobFields.NextRunAt, document.NextRunAt), (JobFields.PausedUntil, document.PausedUntil), (JobFields.WebhookToken, document.WebhookToken),
            (JobFields.ItemsProgress, document.ItemsProgress),
            (JobFields.WaitingFor, document.WaitingFor), (JobFields.Revision, document.Revision),
        ];
        return [.. unknown.Concat(readOnly.Where(f => f.Value is not null).Select(f => f.Name)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The document of a job; secret values are left out, their names are listed.</summary>
    public static JobDocument ToDocument(Job job, IEnumerable<DependencyLink> dependencies)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in job.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!job.SecretEnvironment.Contains(key, StringComparer.Ordinal))
            {
                environment[key] = value;
            }
        }

        return new JobDocument
        {
            Id = job.Id,
            Name = job.Name,
            Description = job.Description,
            Folder = job.Folder,
            JobType = JobText.Of(job.Kind),
            Command = job.Command,
            Script = job.Script,
            Interpreter = job.Interpreter,
            WorkingDirectory = job.WorkingDirectory,
            Environment = JsonSerializer.SerializeToElement(environment),
            SecretEnvironment = [.. job.SecretEnvironment.Order(StringComparer.Ordinal)],
            Requirements = [.. job.Requirements],
            TimeoutSeconds = job.TimeoutSeconds,
            StallTimeoutSeconds = job.StallTimeoutSeconds,
            MemoryLimitMb = job.MemoryLimitMb,
            CpuLimitSeconds = job.CpuLimitSeconds,
            Connection = job.Connection,
            Pool = job.Pool,
            PoolSlots = job.PoolSlots,
            Priority = job.Priority,
            MaxRetries = job.MaxRetries,
            RetryDelaySeconds = job.RetryDelaySeconds,
            RetryBackoff = job.RetryBackoff,
            ScheduleType = JobText.Of(job.ScheduleKind),
            CronExpression = job.CronExpression,
            TimeZone = job.TimeZone,
            IntervalMinutes = job.IntervalMinutes,
            Calendar = job.Calendar,
            CalendarRule = JobText.Of(job.CalendarRule),
            Parameters = [.. job.Parameters.Select(Parameters.ParameterDocument.Of)],
            Dependencies = [.. dependencies.OrderBy(d => d.Job, StringComparer.Ordinal).Select(DependencyDocument.Of)],
            ForEach = ForEachDocument.Of(job),
            NotifyEmail = job.NotifyEmail,
            NotifyOnSuccess = job.NotifyOnSuccess,
            NotifyOnFailure = job.NotifyOnFailure,
            NotifySlack = job.NotifySlack,
            NotifyOnRecovery = job.NotifyOnRecovery,
            NotifyFailureStreak = job.NotifyFailureStreak,
            NotifyLongRunning = job.NotifyLongRunning,
            NotifyMissed = job.NotifyMissed,
            Enabled = job.Enabled,
            OverlapPolicy = JobText.Of(job.OverlapPolicy),
            MisfirePolicy = JobText.Of(job.MisfirePolicy),
            DesignerX = job.DesignerX,
            DesignerY = job.DesignerY,
        };
    }

    /// <summary>Trimmed names of a JSON array; a null entry (which JSON allows) is reported, not dereferenced.</summary>
    private static IEnumerable<string> Names(IReadOnlyList<string?>? names, string field, ValidationErrors errors)
    {
        if (names is null)
        {
            return [];
        }

        if (names.Any(n => n is null))
        {
            errors.Add(field, $"{field} must list names; null is not a name.");
        }

        return names.OfType<string>().Select(n => n.Trim());
    }

    /// <summary>Trimmed lines of a JSON array, in their order; a null entry is reported, not dereferenced.</summary>
    private static IEnumerable<string> Lines(IReadOnlyList<string?>? lines, string field, ValidationErrors errors)
    {
        if (lines?.Any(l => l is null) == true)
        {
            errors.Add(field, $"{field} must list text lines; null is not one.");
        }

        return (lines ?? []).OfType<string>().Select(l => l.Trim());
    }

    private static T ParseEnum<T>(string? text, T fallback, string field, ValidationErrors errors, bool required)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors.Add(field, $"{field} is required: one of {JobText.Allowed<T>()}.");
            }

            return fallback;
        }

        if (JobText.TryParse<T>(text, out var value))
        {
            return value;
        }

        errors.Add(field, $"'{text}' is not a known {field}; use one of {JobText.Allowed<T>()}.");
        return fallback;
    }

    private static Dictionary<string, string> ReadEnvironment(JsonElement? environment, Dictionary<string, JsonElement> extra, ValidationErrors errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var element = environment;
        if (element is null or { ValueKind: JsonValueKind.Null })
        {
            element = DesktopFields.Environment(extra, errors);
        }

        if (element is null or { ValueKind: JsonValueKind.Null })
        {
            return result;
        }

        if (element.Value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(JobFields.Environment, $"Environment must be a JSON object of name -> string value, not {DesktopFields.Describe(element.Value.ValueKind)}.");
            return result;
        }

        foreach (var property in element.Value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                result[property.Name] = property.Value.GetString()!;
            }
            else
            {
                errors.Add(JobFields.Environment, $"The value of '{property.Name}' must be a string, not {DesktopFields.Describe(property.Value.ValueKind)}.");
            }
        }

        return result;
    }
}
