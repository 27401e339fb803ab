using System.Text.Json;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class JobDocumentMapperTests
{
    private static JobDocument Parse(string json) => JsonSerializer.Deserialize<JobDocument>(json)!;

    private static (JobDraft Draft, ValidationErrors Errors) Draft(string json)
    {
        var errors = new ValidationErrors();
        var draft = JobDocumentMapper.ToDraft(Parse(json), errors);
        return (draft, errors);
    }

    private static string Only(ValidationErrors errors, string field)
    {
        var messages = errors.For(field);
        Assert.True(messages.Count == 1, $"Expected one message for '{field}', got: {errors}");
        return messages[0];
    }

    [Fact]
    public void Snake_case_document_maps_every_field()
    {
        var (draft, errors) = Draft("""
            {
              "name": "  load  ", "description": "d", "job_type": "python", "command": "load.py", "script": "",
              "interpreter": "/venv/bin/python", "working_directory": "/srv", "environment": {"A": "1"},
              "timeout_seconds": 30, "max_retries": 2, "retry_delay_seconds": 5, "retry_backoff": 2,
              "schedule_type": "cron", "cron_expression": "0 2 * * *", "time_zone": "Europe/Paris",
              "dependencies": ["extract", " extract ", ""], "notify_email": "ops@example.com",
              "notify_on_success": true, "notify_on_failure": false, "notify_slack": true, "enabled": false,
              "overlap_policy": "queue", "misfire_policy": "skip", "designer_x": 10.5, "designer_y": 20
            }
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        var job = draft.Job;
        Assert.Equal("load", job.Name);
        Assert.Equal(JobKind.Python, job.Kind);
        Assert.Equal("/venv/bin/python", job.Interpreter);
        Assert.Equal("/srv", job.WorkingDirectory);
        Assert.Equal("1", job.Environment["A"]);
        Assert.Equal((30, 2, 5, 2.0), (job.TimeoutSeconds, job.MaxRetries, job.RetryDelaySeconds, job.RetryBackoff));
        Assert.Equal((ScheduleKind.Cron, "0 2 * * *", "Europe/Paris"), (job.ScheduleKind, job.CronExpression, job.TimeZone));
        Assert.Equal(["extract"], draft.Dependencies);
        Assert.Equal("ops@example.com", job.NotifyEmail);
        Assert.Equal((true, false, true, false), (job.NotifyOnSuccess, job.NotifyOnFailure, job.NotifySlack, job.Enabled));
        Assert.Equal((OverlapPolicy.Queue, MisfirePolicy.Skip), (job.OverlapPolicy, job.MisfirePolicy));
        Assert.Equal((10.5, 20.0), (job.DesignerX, job.DesignerY));
    }

    [Fact]
    public void Missing_optional_fields_take_the_defaults()
    {
        var (draft, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true"}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(ScheduleKind.Manual, draft.Job.ScheduleKind);
        Assert.Equal(OverlapPolicy.Skip, draft.Job.OverlapPolicy);
        Assert.Equal(MisfirePolicy.RunOnce, draft.Job.MisfirePolicy);
        Assert.True(draft.Job.Enabled);
        Assert.True(draft.Job.NotifyOnFailure);
        Assert.Equal(1.0, draft.Job.RetryBackoff);
    }

    [Fact]
    public void Missing_job_type_is_required_listing_the_kinds()
    {
        var (_, errors) = Draft("""{"name": "a", "command": "true"}""");
        var message = Only(errors, JobFields.JobType);
        Assert.Contains("required", message, StringComparison.Ordinal);
        Assert.Contains("python, shell, sql", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_job_type_is_refused_naming_the_value()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "perl", "command": "true"}""");
        Assert.Contains("'perl' is not a known job_type", Only(errors, JobFields.JobType), StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_job_type_is_not_taken_for_an_enum_value()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "1", "command": "true"}""");
        Assert.Contains("'1' is not a known job_type", Only(errors, JobFields.JobType), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schedule_type", "hourly")]
    [InlineData("overlap_policy", "never")]
    [InlineData("misfire_policy", "burst")]
    public void Unknown_enum_word_is_refused_on_its_field(string field, string value)
    {
        var (_, errors) = Draft($$"""{"name": "a", "job_type": "shell", "command": "true", "{{field}}": "{{value}}"}""");
        Assert.Contains($"'{value}' is not a known {field}", Only(errors, field), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SHELL", JobKind.Shell)]
    [InlineData("Python", JobKind.Python)]
    public void Job_type_is_read_ignoring_case(string text, JobKind expected)
    {
        var (draft, errors) = Draft($$"""{"name": "a", "job_type": "{{text}}", "command": "true"}""");
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(expected, draft.Job.Kind);
    }

    [Fact]
    public void Misfire_policy_run_once_is_read_in_snake_case()
    {
        var (draft, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "misfire_policy": "run_once"}""");
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(MisfirePolicy.RunOnce, draft.Job.MisfirePolicy);
    }

    [Fact]
    public void Environment_that_is_not_an_object_is_refused()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "environment": ["A=1"]}""");
        var message = Only(errors, JobFields.Environment);
        Assert.Contains("JSON object", message, StringComparison.Ordinal);
        Assert.Contains("not an array", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_value_that_is_not_a_string_is_refused_naming_the_variable()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "environment": {"HOST": "db", "PORT": 5432}}""");
        Assert.Contains("'PORT' must be a string, not a number", Only(errors, JobFields.Environment), StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_rules_are_reported_alongside_mapping_errors()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "cobol", "max_retries": 11}""");
        Assert.Contains("'cobol'", Only(errors, JobFields.JobType), StringComparison.Ordinal);
        Assert.Contains("between 0 and 10", Only(errors, JobFields.MaxRetries), StringComparison.Ordinal);
        Assert.Contains("command or an inline script", Only(errors, JobFields.Command), StringComparison.Ordinal);
    }

    [Fact]
    public void Desktop_names_are_read_when_the_new_names_are_absent()
    {
        var (draft, errors) = Draft("""
            {
              "name": "a", "job_type": "shell", "command": "true", "working_dir": "/home/etl",
              "env_vars": "{\"DATABASE_URL\": \"postgresql://localhost/db\", \"ENV\": \"prod\"}",
              "timeout": 3600, "retry_delay": 60, "email": " ops@example.com "
            }
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal("/home/etl", draft.Job.WorkingDirectory);
        Assert.Equal("postgresql://localhost/db", draft.Job.Environment["DATABASE_URL"]);
        Assert.Equal("prod", draft.Job.Environment["ENV"]);
        Assert.Equal(3600, draft.Job.TimeoutSeconds);
        Assert.Equal(60, draft.Job.RetryDelaySeconds);
        Assert.Equal("ops@example.com", draft.Job.NotifyEmail);
    }

    [Fact]
    public void The_desktop_tools_own_export_names_are_read_as_its_example_jobs_file_writes_them()
    {
        var (draft, errors) = Draft("""
            {
              "name": "Example Python ETL", "job_type": "python", "command": "python3 -c \"print('done')\"", "working_directory": "",
              "environment_vars": "{\"ENV\": \"development\"}", "schedule_type": "manual", "cron_expression": null,
              "interval_minutes": null, "enabled": false, "max_retries": 2, "retry_delay_seconds": 60, "timeout_seconds": 300,
              "notification_email": "data@example.com", "notify_on_success": false, "notify_on_failure": true
            }
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal("development", draft.Job.Environment["ENV"]);
        Assert.Equal("data@example.com", draft.Job.NotifyEmail);
        Assert.Equal((false, 2, 300), (draft.Job.Enabled, draft.Job.MaxRetries, draft.Job.TimeoutSeconds));
    }

    [Fact]
    public void New_names_win_over_desktop_names()
    {
        var (draft, errors) = Draft("""
            {
              "name": "a", "job_type": "shell", "command": "true", "working_dir": "/old", "working_directory": "/new",
              "env_vars": "{\"A\": \"old\"}", "environment": {"A": "new"}, "timeout": 1, "timeout_seconds": 2,
              "retry_delay": 1, "retry_delay_seconds": 2, "email": "old@example.com", "notify_email": "new@example.com"
            }
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(("/new", "new", 2, 2, "new@example.com"),
            (draft.Job.WorkingDirectory, draft.Job.Environment["A"], draft.Job.TimeoutSeconds, draft.Job.RetryDelaySeconds, draft.Job.NotifyEmail));
    }

    [Fact]
    public void Desktop_env_vars_that_are_not_json_are_refused_on_environment()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "env_vars": "{A: 1"}""");
        Assert.Contains("env_vars is not valid JSON", Only(errors, JobFields.Environment), StringComparison.Ordinal);
    }

    [Fact]
    public void Desktop_env_vars_holding_a_json_array_are_refused_on_environment()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "env_vars": "[1, 2]"}""");
        Assert.Contains("JSON object", Only(errors, JobFields.Environment), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_desktop_env_vars_mean_no_environment()
    {
        var (draft, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "env_vars": ""}""");
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Empty(draft.Job.Environment);
    }

    [Theory]
    [InlineData("timeout", "\"1h\"", JobFields.TimeoutSeconds, "timeout must be a whole number, not a string")]
    [InlineData("retry_delay", "1.5", JobFields.RetryDelaySeconds, "retry_delay must be a whole number, not 1.5")]
    [InlineData("working_dir", "42", JobFields.WorkingDirectory, "working_dir must be a string, not a number")]
    [InlineData("email", "[]", JobFields.NotifyEmail, "email must be a string, not an array")]
    public void Desktop_field_of_the_wrong_type_is_refused_on_the_new_field(string legacy, string value, string field, string message)
    {
        var (_, errors) = Draft($$"""{"name": "a", "job_type": "shell", "command": "true", "{{legacy}}": {{value}}}""");
        Assert.Contains(message, Only(errors, field), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    [InlineData("\"false\"", false)]
    public void Booleans_are_read_from_desktop_zero_and_one(string value, bool expected)
    {
        var document = Parse($$"""{"enabled": {{value}}, "notify_on_success": {{value}}, "notify_on_failure": {{value}}, "notify_slack": {{value}}}""");
        Assert.Equal(new bool?[] { expected, expected, expected, expected }, new[] { document.Enabled, document.NotifyOnSuccess, document.NotifyOnFailure, document.NotifySlack });
    }

    [Fact]
    public void Boolean_other_than_zero_or_one_is_a_json_error_naming_the_field()
    {
        var ex = Assert.Throws<JsonException>(() => Parse("""{"enabled": 2}"""));
        Assert.Equal("$.enabled", ex.Path);
    }

    [Fact]
    public void Unknown_fields_are_kept_aside_and_do_not_fail()
    {
        var (draft, errors) = Draft("""{"id": 9, "name": "a", "job_type": "shell", "command": "true", "created_at": "2025-10-27 14:30:00", "last_run": null}""");
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(0, draft.Job.Id);
    }

    [Fact]
    public void Null_dependency_is_refused_on_dependencies_and_the_names_are_kept()
    {
        var (draft, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "dependencies": ["extract", null]}""");
        Assert.Contains("null is not a name", Only(errors, JobFields.Dependencies), StringComparison.Ordinal);
        Assert.Equal(["extract"], draft.Dependencies);
    }

    [Fact]
    public void Null_secret_name_is_refused_on_secret_environment()
    {
        var (_, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "secret_environment": [null]}""");
        Assert.Contains("null is not a name", Only(errors, JobFields.SecretEnvironment), StringComparison.Ordinal);
    }

    [Fact]
    public void Document_leaves_out_secret_values_but_names_the_secrets()
    {
        var job = new Job
        {
            Id = 4,
            Name = "api",
            Command = "true",
            Environment = new(StringComparer.Ordinal) { ["API_KEY"] = "s3cr3t", ["ENV"] = "prod" },
            SecretEnvironment = ["API_KEY"],
        };

        var document = JobDocumentMapper.ToDocument(job, []);
        var json = JsonSerializer.Serialize(document);

        Assert.DoesNotContain("s3cr3t", json, StringComparison.Ordinal);
        Assert.Equal(["API_KEY"], document.SecretEnvironment);
        Assert.Equal("""{"ENV":"prod"}""", document.Environment!.Value.GetRawText());
    }

    [Fact]
    public void Secret_named_without_a_value_is_listed_for_the_update_to_keep()
    {
        var (draft, errors) = Draft("""{"name": "a", "job_type": "shell", "command": "true", "environment": {"ENV": "prod", "TOKEN": "new"}, "secret_environment": ["API_KEY", "TOKEN"]}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(["API_KEY"], draft.SecretsWithoutValue);
        Assert.Equal("", draft.Job.Environment["API_KEY"]);
        Assert.Equal("new", draft.Job.Environment["TOKEN"]);
        Assert.Equal(["API_KEY", "TOKEN"], draft.Job.SecretEnvironment);
    }

    [Fact]
    public void Document_of_a_job_maps_back_to_the_same_job()
    {
        var job = new Job
        {
            Name = "load",
            Kind = JobKind.Sql,
            Command = "psql -f load.sql",
            Environment = new(StringComparer.Ordinal) { ["B"] = "2", ["A"] = "1" },
            TimeoutSeconds = 60,
            MaxRetries = 3,
            RetryDelaySeconds = 10,
            RetryBackoff = 1.5,
            ScheduleKind = ScheduleKind.Interval,
            IntervalMinutes = 15,
            OverlapPolicy = OverlapPolicy.Allow,
            MisfirePolicy = MisfirePolicy.Skip,
        };

        var document = JobDocumentMapper.ToDocument(job, [new DependencyLink("z", LinkKind.Failure, "rows > 0"), new DependencyLink("a")]);
        var errors = new ValidationErrors();
        var back = JobDocumentMapper.ToDraft(Parse(JsonSerializer.Serialize(document)), errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(["a", "z"], document.UpstreamNames());
        Assert.Equal(["a", "z"], back.Dependencies);
        Assert.Contains("""
            "dependencies":["a",{"job":"z","when":"failure","condition":"rows \u003E 0"}]
            """.Trim(), JsonSerializer.Serialize(document), StringComparison.Ordinal);
        Assert.Equal(
            JsonSerializer.Serialize(document),
            JsonSerializer.Serialize(JobDocumentMapper.ToDocument(back.Job, back.Links)));
    }
}
