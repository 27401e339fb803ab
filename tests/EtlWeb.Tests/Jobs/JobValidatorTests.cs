using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class JobValidatorTests
{
    private static Job ValidJob() => new()
    {
        Name = "nightly-load",
        Kind = JobKind.Shell,
        Command = "./load.sh",
    };

    private static string Only(ValidationErrors errors, string field)
    {
        var messages = errors.For(field);
        Assert.True(messages.Count == 1, $"Expected one message for '{field}', got: {errors}");
        return messages[0];
    }

    [Fact]
    public void A_complete_job_has_no_errors() =>
        Assert.True(JobValidator.Validate(ValidJob()).IsEmpty);

    [Fact]
    public void Empty_name_is_required()
    {
        var job = ValidJob();
        job.Name = "   ";
        Assert.Contains("required", Only(JobValidator.Validate(job), JobFields.Name), StringComparison.Ordinal);
    }

    [Fact]
    public void Name_of_101_characters_is_refused_naming_the_limit()
    {
        var job = ValidJob();
        job.Name = new string('n', 101);
        var message = Only(JobValidator.Validate(job), JobFields.Name);
        Assert.Contains("101 characters", message, StringComparison.Ordinal);
        Assert.Contains("at most 100", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void Name_of_1_to_100_characters_is_accepted(int length)
    {
        var job = ValidJob();
        job.Name = new string('n', length);
        Assert.Empty(JobValidator.Validate(job).For(JobFields.Name));
    }

    [Fact]
    public void Neither_command_nor_script_is_refused_on_the_command_field()
    {
        var job = ValidJob();
        job.Command = " ";
        Assert.Contains("command or an inline script", Only(JobValidator.Validate(job), JobFields.Command), StringComparison.Ordinal);
    }

    [Fact]
    public void An_inline_script_without_a_command_is_enough()
    {
        var job = ValidJob();
        job.Command = "";
        job.Script = "echo hi";
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Fact]
    public void Inline_sql_without_a_client_is_refused_on_the_interpreter_field()
    {
        var job = ValidJob();
        job.Kind = JobKind.Sql;
        job.Command = "";
        job.Script = "select 1;";
        Assert.Contains("client", Only(JobValidator.Validate(job), JobFields.Interpreter), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("*/10 0 2 * * *")]
    public void Cron_with_five_or_six_fields_is_accepted(string expression)
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Cron;
        job.CronExpression = expression;
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Theory]
    [InlineData("0 2 * *", "4 field(s)")]
    [InlineData("0 0 2 * * * *", "7 field(s)")]
    [InlineData("61 2 * * *", "not a valid cron expression")]
    [InlineData("0 2 * * mon-xyz", "not a valid cron expression")]
    [InlineData("", "required")]
    public void Bad_cron_is_refused_with_the_reason(string expression, string reason)
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Cron;
        job.CronExpression = expression;
        Assert.Contains(reason, Only(JobValidator.Validate(job), JobFields.CronExpression), StringComparison.Ordinal);
    }

    [Fact]
    public void Cron_expression_is_not_checked_when_the_schedule_is_manual()
    {
        var job = ValidJob();
        job.CronExpression = "not cron";
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Theory]
    [InlineData("Europe/London")]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("")]
    public void Known_iana_zone_or_none_is_accepted(string zone)
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Cron;
        job.CronExpression = "0 2 * * *";
        job.TimeZone = zone;
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Fact]
    public void Unknown_time_zone_is_refused_naming_it()
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Cron;
        job.CronExpression = "0 2 * * *";
        job.TimeZone = "Mars/Olympus_Mons";
        var message = Only(JobValidator.Validate(job), JobFields.TimeZone);
        Assert.Contains("'Mars/Olympus_Mons' is not a known IANA time zone", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_windows_time_zone_name_is_refused_with_its_IANA_id()
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Cron;
        job.CronExpression = "0 2 * * *";
        job.TimeZone = "Eastern Standard Time";
        var message = Only(JobValidator.Validate(job), JobFields.TimeZone);
        Assert.Contains("Use its IANA id, America/New_York.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Interval_below_one_minute_is_refused(int minutes)
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Interval;
        job.IntervalMinutes = minutes;
        Assert.Contains("at least 1 minute", Only(JobValidator.Validate(job), JobFields.IntervalMinutes), StringComparison.Ordinal);
    }

    [Fact]
    public void Interval_of_one_minute_is_accepted()
    {
        var job = ValidJob();
        job.ScheduleKind = ScheduleKind.Interval;
        job.IntervalMinutes = 1;
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Retries_outside_0_to_10_are_refused(int retries)
    {
        var job = ValidJob();
        job.MaxRetries = retries;
        Assert.Contains("between 0 and 10", Only(JobValidator.Validate(job), JobFields.MaxRetries), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void Retries_at_the_bounds_are_accepted(int retries)
    {
        var job = ValidJob();
        job.MaxRetries = retries;
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Fact]
    public void Negative_retry_delay_is_refused()
    {
        var job = ValidJob();
        job.RetryDelaySeconds = -1;
        Assert.Contains("0 or more seconds", Only(JobValidator.Validate(job), JobFields.RetryDelaySeconds), StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_timeout_is_refused()
    {
        var job = ValidJob();
        job.TimeoutSeconds = -1;
        Assert.Contains("0 (none) or more seconds", Only(JobValidator.Validate(job), JobFields.TimeoutSeconds), StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_timeout_and_zero_delay_are_accepted()
    {
        var job = ValidJob();
        job.TimeoutSeconds = 0;
        job.RetryDelaySeconds = 0;
        Assert.True(JobValidator.Validate(job).IsEmpty);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(11)]
    [InlineData(double.NaN)]
    public void Backoff_outside_1_to_10_is_refused(double backoff)
    {
        var job = ValidJob();
        job.RetryBackoff = backoff;
        Assert.Contains("between 1", Only(JobValidator.Validate(job), JobFields.RetryBackoff), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A=B")]
    public void Environment_variable_name_that_cannot_exist_is_refused_naming_it(string key)
    {
        var job = ValidJob();
        job.Environment[key] = "x";
        Assert.Contains($"'{key}' is not a valid environment variable name", Only(JobValidator.Validate(job), JobFields.Environment), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var job = ValidJob();
        job.Name = "";
        job.Command = "";
        job.MaxRetries = 11;
        job.TimeoutSeconds = -1;
        job.RetryDelaySeconds = -1;
        job.ScheduleKind = ScheduleKind.Interval;
        job.TimeZone = "Nowhere/Special";

        var fields = JobValidator.Validate(job).ToDictionary().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(
            [JobFields.Command, JobFields.IntervalMinutes, JobFields.MaxRetries, JobFields.Name, JobFields.RetryDelaySeconds, JobFields.TimeZone, JobFields.TimeoutSeconds],
            fields);
    }
}
