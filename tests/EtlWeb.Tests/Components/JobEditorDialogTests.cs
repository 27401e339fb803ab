using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Components;

/// <summary>The job editor dialog's validation: messages in place from the catalogue's rules, tab badges, and Save.</summary>
public sealed class JobEditorDialogTests : IAsyncLifetime
{
    private JobEditorHost _host = null!;

    private IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs => _host.Dialogs;

    public async Task InitializeAsync() => _host = await JobEditorHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_new_job_keeps_quiet_until_a_field_is_left_empty()
    {
        _ = _host.OpenEditorAsync(null);

        Assert.Null(FieldError("field-name"));
        Assert.Empty(Dialogs.FindAll("[data-testid=job-editor-problems]"));
        Assert.False(Save.HasAttribute("disabled"));

        Find("field-name").Blur();

        Dialogs.WaitForAssertion(() => Assert.Equal("Name is required.", FieldError("field-name")));
        Assert.Equal("1", TabBadge("Basic info"));
        Assert.Equal("2 fields to fix", Find("job-editor-problems").TextContent.Trim());
        Assert.False(Save.HasAttribute("disabled"), "The command's problem is not shown yet: Save can still reveal it.");
        Assert.Empty(await _host.Catalog.ListAsync());
    }

    [Fact]
    public async Task Save_on_an_untouched_new_job_shows_every_problem_and_saves_nothing()
    {
        using var admin = Acting.AsAdmin();
        _ = _host.OpenEditorAsync(null);

        Save.Click();

        Dialogs.WaitForAssertion(() => Assert.Equal("Name is required.", FieldError("field-name")));
        Assert.NotNull(FieldError("field-command"));
        Assert.Equal("2", TabBadge("Basic info"));
        Assert.Equal("2 fields to fix", Find("job-editor-problems").TextContent.Trim());
        Assert.True(Save.HasAttribute("disabled"));
        Assert.Empty(await _host.Catalog.ListAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_valid_job_is_created_by_save_clicked_after_the_check_or_while_it_is_still_pending(bool afterCheck)
    {
        using var admin = Acting.AsAdmin();
        var closed = _host.OpenEditorAsync(null);

        Find("field-name").Input("Nightly extract");
        Find("field-command").Input("./extract.sh");
        Assert.Contains("Checking…", Dialogs.Markup, StringComparison.Ordinal);
        if (afterCheck)
        {
            _host.Settle();
        }

        // Pending or not, the check never disables Save: a click while it runs waits for it.
        Dialogs.WaitForAssertion(() => Assert.False(Save.HasAttribute("disabled")));
        Save.Click();
        var saved = await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(saved);
        Assert.Equal("Nightly extract", saved.Name);
        Assert.Equal("shell", saved.JobType);
        Assert.Equal("./extract.sh", saved.Command);
        Assert.Equal("Nightly extract", Assert.Single(await _host.Catalog.ListAsync()).Name);
    }

    [Fact]
    public async Task Save_clicked_before_the_check_of_a_bad_value_shows_the_problem_and_saves_nothing()
    {
        using var admin = Acting.AsAdmin();
        await _host.Catalog.CreateAsync(new JobDocument { Name = "Taken", JobType = "shell", Command = "true" });
        _ = _host.OpenEditorAsync(null);

        Find("field-name").Input("Taken");
        Find("field-command").Input("true");
        Save.Click();

        Dialogs.WaitForAssertion(() => Assert.Equal("A job named 'Taken' already exists.", FieldError("field-name")));
        Assert.True(Save.HasAttribute("disabled"));
        Assert.Single(await _host.Catalog.ListAsync());
    }

    [Fact]
    public void An_invalid_cron_shows_the_cronos_message_at_the_field_and_badges_the_schedule_tab()
    {
        _ = _host.OpenEditorAsync(null);
        Find("field-name").Input("Hourly load");
        Find("field-command").Input("load.sh");
        ToggleItem("field-schedule-type", "Cron").Click();
        Dialogs.WaitForElement("[data-testid=field-cron]").Input("61 * * * *");
        _host.Settle();

        Assert.False(CronSchedule.TryParse("61 * * * *", out _, out var cronos));
        Dialogs.WaitForAssertion(() => Assert.Equal(cronos, FieldError("field-cron")));
        Assert.Equal("1", TabBadge("Schedule"));
        Assert.Null(TabBadge("Basic info"));
        Assert.True(Save.HasAttribute("disabled"));

        Find("field-cron").Input("0 * * * *");
        _host.Settle();
        Dialogs.WaitForAssertion(() => Assert.False(Save.HasAttribute("disabled")));
        Assert.Null(FieldError("field-cron"));
    }

    [Fact]
    public async Task A_name_another_job_has_is_refused_at_the_name_field()
    {
        using var admin = Acting.AsAdmin();
        await _host.Catalog.CreateAsync(new JobDocument { Name = "Extract", JobType = "shell", Command = "true" });
        _ = _host.OpenEditorAsync(null);

        Find("field-name").Input("Extract");
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.Equal("A job named 'Extract' already exists.", FieldError("field-name")));
    }

    [Fact]
    public void Retries_over_the_limit_are_refused_on_the_execution_tab()
    {
        _ = _host.OpenEditorAsync(null);
        Find("field-name").Input("Retry a lot");
        Find("field-command").Input("true");
        Find("field-max-retries").Input("11");
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.Equal("Max retries must be between 0 and 10.", FieldError("field-max-retries")));
        Assert.Equal("1", TabBadge("Execution"));
        Assert.True(Save.HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_loaded_job_shows_each_problem_without_waiting_for_its_field_to_be_touched()
    {
        using var admin = Acting.AsAdmin();
        var id = await CreateJobAsync("Python sql", """{"name":"Python sql","job_type":"sql","command":"psql -f a.sql"}""");
        _ = _host.OpenEditorAsync(id);

        Find("field-command").Input("");
        ToggleItem("field-run-mode", "Inline script").Click();
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.Contains("An inline SQL script needs a connection, or the client", FieldError("field-interpreter"), StringComparison.Ordinal));
        Assert.Equal("Edit job: Python sql", Find("job-editor-title").TextContent);
    }

    [Fact]
    public async Task A_dependency_that_would_close_a_cycle_is_refused_on_the_spot_and_not_kept()
    {
        using var admin = Acting.AsAdmin();
        var extract = await CreateJobAsync("Extract", """{"name":"Extract","job_type":"shell","command":"true"}""");
        await CreateJobAsync("Load", """{"name":"Load","job_type":"shell","command":"true","dependencies":["Extract"]}""");
        _ = _host.OpenEditorAsync(extract);

        Dialogs.Find("[data-testid='dependency-Load'] input").Change(true);

        Dialogs.WaitForAssertion(() => Assert.Equal(
            "'Load' was not added. These dependencies form a cycle: Extract -> Load -> Extract.",
            Find("dependency-refused").TextContent.Trim()));
        Assert.Contains("No upstream jobs.", Find("dependencies-selected").TextContent, StringComparison.Ordinal);
        Assert.False(Dialogs.Find("[data-testid='dependency-Load'] input").HasAttribute("checked"));
        Assert.Contains("Jobs that depend on this one: Load.", Dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_links_condition_that_does_not_parse_is_named_at_its_field_and_a_good_one_is_saved()
    {
        using var admin = Acting.AsAdmin();
        await CreateJobAsync("Extract", """{"name":"Extract","job_type":"shell","command":"true"}""");
        var load = await CreateJobAsync("Load", """{"name":"Load","job_type":"shell","command":"true","dependencies":[{"job":"Extract","when":"failure"}]}""");
        var closed = _host.OpenEditorAsync(load);

        Find("link-condition-Extract").Change("rows >");
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.StartsWith("'rows >' is not a valid condition", FieldError("link-condition-Extract"), StringComparison.Ordinal));
        Assert.Equal("1", TabBadge("Dependencies"));
        Find("link-condition-Extract").Change("exit_code == 3");
        _host.Settle();
        Dialogs.WaitForAssertion(() => Assert.Null(FieldError("link-condition-Extract")));
        Save.Click();
        var saved = await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([new DependencyDocument { Job = "Extract", When = "failure", Condition = "exit_code == 3" }], saved!.Dependencies);
    }

    [Fact]
    public async Task Saving_an_edited_job_keeps_its_upstream_jobs()
    {
        using var admin = Acting.AsAdmin();
        await CreateJobAsync("Extract", """{"name":"Extract","job_type":"shell","command":"true"}""");
        var load = await CreateJobAsync("Load", """{"name":"Load","job_type":"shell","command":"true","dependencies":["Extract"]}""");
        var closed = _host.OpenEditorAsync(load);

        Find("field-timeout").Input("60");
        _host.Settle();
        Save.Click();
        var saved = await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["Extract"], saved!.Dependencies);
        Assert.Equal(60, saved.TimeoutSeconds);
    }

    [Fact]
    public async Task A_stored_secret_is_never_sent_to_the_browser_and_is_kept_unless_a_new_value_is_typed()
    {
        using var admin = Acting.AsAdmin();
        var id = await CreateJobAsync("With secret", """
            {"name":"With secret","job_type":"shell","command":"env","environment":{"TOKEN":"s3cret","MODE":"full"},"secret_environment":["TOKEN"]}
            """);
        var closed = _host.OpenEditorAsync(id);

        Assert.DoesNotContain("s3cret", Dialogs.Markup, StringComparison.Ordinal);
        var token = EnvironmentValue("TOKEN");
        Assert.Equal("•••• (stored)", token.GetAttribute("placeholder"));
        Assert.Equal("password", token.GetAttribute("type"));
        Find("field-description").Input("Prints its environment");
        _host.Settle();
        Save.Click();
        await closed.WaitAsync(TimeSpan.FromSeconds(10));

        var job = await StoredJobAsync(id);
        Assert.Equal("s3cret", job.Environment["TOKEN"]);
        Assert.Equal("full", job.Environment["MODE"]);
        Assert.Equal(["TOKEN"], job.SecretEnvironment);
        Assert.Equal("Prints its environment", job.Description);
    }

    [Fact]
    public async Task A_new_value_typed_for_a_secret_replaces_the_stored_one()
    {
        using var admin = Acting.AsAdmin();
        var id = await CreateJobAsync("Rotate", """
            {"name":"Rotate","job_type":"shell","command":"env","environment":{"TOKEN":"old"},"secret_environment":["TOKEN"]}
            """);
        var closed = _host.OpenEditorAsync(id);

        EnvironmentValue("TOKEN").Input("new");
        _host.Settle();
        Save.Click();
        await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("new", (await StoredJobAsync(id)).Environment["TOKEN"]);
    }

    [Fact]
    public void Environment_rows_with_the_same_name_are_refused_at_the_row()
    {
        _ = _host.OpenEditorAsync(null);
        Find("field-name").Input("Twice");
        Find("field-command").Input("env");
        Find("env-add").Click();
        Find("env-add").Click();
        Dialogs.WaitForAssertion(() => Assert.Equal(2, Dialogs.FindAll("[data-testid=env-name]").Count));
        var names = Dialogs.FindAll("[data-testid=env-name]");
        names[0].Input("PGHOST");
        names[1].Input("PGHOST");
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.Equal("'PGHOST' is listed twice.", ControlError(Dialogs.FindAll("[data-testid=env-name]")[1])));
        Assert.Equal("1", TabBadge("Execution"));
        Assert.True(Save.HasAttribute("disabled"));
    }

    [Fact]
    public void Environment_json_is_checked_as_it_is_typed()
    {
        _ = _host.OpenEditorAsync(null);
        Find("field-name").Input("From JSON");
        Find("field-command").Input("env");
        ToggleItem("env-view", "JSON").Click();

        Dialogs.WaitForElement("[data-testid=env-json]").Input("""{"PGPORT": 5432""");
        _host.Settle();
        Dialogs.WaitForAssertion(() => Assert.StartsWith("This is not valid JSON:", Find("env-error").TextContent, StringComparison.Ordinal));

        Find("env-json").Input("""{"PGPORT": 5432}""");
        _host.Settle();
        Dialogs.WaitForAssertion(() => Assert.Equal("The value of 'PGPORT' must be a string, not a number.", Find("env-error").TextContent));

        Find("env-json").Input("""{"PGPORT": "5432"}""");
        _host.Settle();
        ToggleItem("env-view", "Rows").Click();
        Dialogs.WaitForAssertion(() => Assert.Equal("PGPORT", Find("env-name").GetAttribute("value")));
        Assert.Equal("5432", Find("env-value").GetAttribute("value"));
    }

    private IElement Save => Find("job-editor-save");

    private IElement Find(string testId) => Dialogs.Find($"[data-testid={testId}]");

    private IElement ToggleItem(string groupTestId, string text) =>
        Dialogs.FindAll($"[data-testid={groupTestId}] button").Single(b => b.TextContent.Trim() == text);

    private IElement EnvironmentValue(string name)
    {
        var names = Dialogs.FindAll("[data-testid=env-name]");
        var index = names.ToList().FindIndex(n => n.GetAttribute("value") == name);
        return Dialogs.FindAll("[data-testid=env-value]")[index];
    }

    /// <summary>The message MudBlazor shows under an input, or null.</summary>
    private string? FieldError(string testId) => ControlError(Find(testId));

    private static string? ControlError(IElement input) =>
        input.Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error .me-auto")?.TextContent.Trim() is { Length: > 0 } text ? text : null;

    private string? TabBadge(string tab) =>
        Dialogs.FindAll(".mud-tab").Single(t => t.TextContent.Contains(tab, StringComparison.Ordinal))
            .QuerySelector(".mud-badge")?.TextContent.Trim();

    private async Task<int> CreateJobAsync(string name, string json)
    {
        var saved = await _host.Catalog.CreateAsync(JsonSerializer.Deserialize<JobDocument>(json)!);
        Assert.Equal(name, saved.Name);
        return saved.Id!.Value;
    }

    private async Task<Job> StoredJobAsync(int id)
    {
        var factory = _host.Context.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }
}
