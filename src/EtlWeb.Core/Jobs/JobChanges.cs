using System.Globalization;

namespace EtlWeb.Core.Jobs;

/// <summary>One field of a job that an edit changed, by its document name; a secret's values are never in it.</summary>
/// <param name="Old">The value before, as text; null when the field (an environment variable) did not exist.</param>
/// <param name="New">The value after; null when the field was removed.</param>
public sealed record FieldChange(string Field, string? Old, string? New)
{
    public override string ToString() => (Old, New) switch
    {
        (null, _) => $"{Field} added: {Quote(New)}",
        (_, null) => $"{Field} removed (was {Quote(Old)})",
        _ => $"{Field}: {Quote(Old)} -> {Quote(New)}",
    };

    private static string Quote(string? value) => value is null ? "" : "\"" + value + "\"";
}

/// <summary>What changed between two definitions of a job: the audit log's record of an edit.</summary>
public static class JobChanges
{
    /// <summary>Shown instead of a secret variable's value: that it changed is all an edit's record may say.</summary>
    public const string SecretValue = "(secret)";

    /// <summary>
    /// The fields that differ, in document order; each environment variable is a field of its own
    /// (<c>environment.NAME</c>), and a secret one (before or after) shows <see cref="SecretValue"/> for its values.
    /// The designer position and the timestamps are not definition.
    /// </summary>
    public static IReadOnlyList<FieldChange> Between(Job before, IEnumerable<string> upstreamsBefore, Job after, IEnumerable<string> upstreamsAfter)
    {
        var changes = new List<FieldChange>();
        foreach (var (field, read) in Fields)
        {
            var (old, @new) = (read(before), read(after));
            if (!string.Equals(old, @new, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(field, old, @new));
            }
        }

        var secret = new HashSet<string>(before.SecretEnvironment.Concat(after.SecretEnvironment), StringComparer.Ordinal);
        foreach (var name in before.Environment.Keys.Union(after.Environment.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.Environment.GetValueOrDefault(name);
            var @new = after.Environment.GetValueOrDefault(name);
            if (!string.Equals(old, @new, StringComparison.Ordinal))
            {
                changes.Add(secret.Contains(name)
                    ? new FieldChange($"{JobFields.Environment}.{name}", old is null ? null : SecretValue, @new is null ? null : SecretValue)
                    : new FieldChange($"{JobFields.Environment}.{name}", old, @new));
            }
        }

        var secretBefore = string.Join(", ", before.SecretEnvironment.Order(StringComparer.Ordinal));
        var secretAfter = string.Join(", ", after.SecretEnvironment.Order(StringComparer.Ordinal));
        if (secretBefore != secretAfter)
        {
            changes.Add(new FieldChange(JobFields.SecretEnvironment, secretBefore, secretAfter));
        }

        var dependenciesBefore = string.Join(", ", upstreamsBefore.Order(StringComparer.Ordinal));
        var dependenciesAfter = string.Join(", ", upstreamsAfter.Order(StringComparer.Ordinal));
        if (dependenciesBefore != dependenciesAfter)
        {
            changes.Add(new FieldChange(JobFields.Dependencies, dependenciesBefore, dependenciesAfter));
        }

        return changes;
    }

    private static readonly (string Field, Func<Job, string> Read)[] Fields =
    [
        (JobFields.Name, j => j.Name),
        (JobFields.Description, j => j.Description),
        (JobFields.Folder, j => j.Folder),
        (JobFields.JobType, j => JobText.Of(j.Kind)),
        (JobFields.Command, j => j.Command),
        (JobFields.Script, j => j.Script),
        (JobFields.Interpreter, j => j.Interpreter),
        (JobFields.WorkingDirectory, j => j.WorkingDirectory),
        (JobFields.Requirements, j => j.Requirements.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(j.Requirements, AsWritten)),
        (JobFields.Parameters, j => j.Parameters.Count == 0 ? "" : System.Text.Json.JsonSerializer.Serialize(j.Parameters.Select(Parameters.ParameterDocument.Of))),
        (JobFields.ForEach, j => j.IsForEach ? System.Text.Json.JsonSerializer.Serialize(ForEachDocument.Of(j)) : ""),
        (JobFields.TimeoutSeconds, j => Number(j.TimeoutSeconds)),
        (JobFields.StallTimeoutSeconds, j => Number(j.StallTimeoutSeconds)),
        (JobFields.MemoryLimitMb, j => Number(j.MemoryLimitMb)),
        (JobFields.CpuLimitSeconds, j => Number(j.CpuLimitSeconds)),
        (JobFields.Connection, j => j.Connection),
        (JobFields.Pool, j => j.Pool),
        (JobFields.PoolSlots, j => Number(j.PoolSlots)),
        (JobFields.Priority, j => Number(j.Priority)),
        (JobFields.MaxRetries, j => Number(j.MaxRetries)),
        (JobFields.RetryDelaySeconds, j => Number(j.RetryDelaySeconds)),
        (JobFields.RetryBackoff, j => Number(j.RetryBackoff)),
        (JobFields.ScheduleType, j => JobText.Of(j.ScheduleKind)),
        (JobFields.CronExpression, j => j.CronExpression),
        (JobFields.TimeZone, j => j.TimeZone),
        (JobFields.IntervalMinutes, j => Number(j.IntervalMinutes)),
        (JobFields.Calendar, j => j.Calendar),
        (JobFields.CalendarRule, j => JobText.Of(j.CalendarRule)),
        (JobFields.NotifyEmail, j => j.NotifyEmail),
        (JobFields.NotifyOnSuccess, j => Flag(j.NotifyOnSuccess)),
        (JobFields.NotifyOnFailure, j => Flag(j.NotifyOnFailure)),
        (JobFields.NotifySlack, j => Flag(j.NotifySlack)),
        (JobFields.NotifyOnRecovery, j => Flag(j.NotifyOnRecovery)),
        (JobFields.NotifyFailureStreak, j => Number(j.NotifyFailureStreak)),
        (JobFields.NotifyLongRunning, j => Number(j.NotifyLongRunning)),
        (JobFields.NotifyMissed, j => Flag(j.NotifyMissed)),
        (JobFields.Enabled, j => Flag(j.Enabled)),
        (JobFields.OverlapPolicy, j => JobText.Of(j.OverlapPolicy)),
        (JobFields.MisfirePolicy, j => JobText.Of(j.MisfirePolicy)),
    ];

    /// <summary>Requirement lines as typed: <c>requests>=2</c>, not <c>requests\u003E=2</c> (the text is shown, never put in HTML raw).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions AsWritten = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Flag(bool value) => value ? "true" : "false";
}
