using System.Text.Json;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class NotificationFieldsTests
{
    private static (JobDraft Draft, ValidationErrors Errors) Draft(string extra)
    {
        var errors = new ValidationErrors();
        var document = JsonSerializer.Deserialize<JobDocument>($$"""{ "name": "n", "job_type": "shell", "command": "true"{{extra}} }""")!;
        return (JobDocumentMapper.ToDraft(document, errors), errors);
    }

    [Fact]
    public void Smart_alert_fields_map_both_ways_and_default_to_off()
    {
        var (off, none) = Draft("");
        var (on, errors) = Draft("""
            , "notify_email": "ops@example.com; lead@example.com", "notify_on_recovery": true, "notify_failure_streak": 3,
              "notify_long_running": 2.5, "notify_missed": 1
            """);

        Assert.True(none.IsEmpty && errors.IsEmpty, $"{none} {errors}");
        Assert.Equal((false, 0, 0.0, false), (off.Job.NotifyOnRecovery, off.Job.NotifyFailureStreak, off.Job.NotifyLongRunning, off.Job.NotifyMissed));
        Assert.Equal((true, 3, 2.5, true), (on.Job.NotifyOnRecovery, on.Job.NotifyFailureStreak, on.Job.NotifyLongRunning, on.Job.NotifyMissed));
        var back = JobDocumentMapper.ToDocument(on.Job, []);
        Assert.Equal((true, 3, 2.5, true), (back.NotifyOnRecovery, back.NotifyFailureStreak, back.NotifyLongRunning, back.NotifyMissed));
        var json = JsonSerializer.Serialize(back);
        Assert.Contains("\"notify_failure_streak\":3", json, StringComparison.Ordinal);
        Assert.Contains("\"notify_long_running\":2.5", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"notify_failure_streak\": -1", JobFields.NotifyFailureStreak, "Failure streak must be 0 (off) or between 2 and 100")]
    [InlineData("\"notify_failure_streak\": 1", JobFields.NotifyFailureStreak, "A streak of 1 is every failure")]
    [InlineData("\"notify_long_running\": 0.5", JobFields.NotifyLongRunning, "Longer-than-usual must be 0 (off) or a multiple")]
    [InlineData("\"notify_email\": \"ops@example.com, nobody\"", JobFields.NotifyEmail, "'nobody' is not an email address.")]
    public void Bad_values_are_reported_by_field_name(string field, string name, string message)
    {
        var (_, errors) = Draft(", " + field);

        Assert.StartsWith(message, Assert.Single(errors.For(name)), StringComparison.Ordinal);
    }
}
