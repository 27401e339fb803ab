using AngleSharp.Dom;
using Bunit;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Components;

/// <summary>The editor's Requirements box: shown for Python jobs only, its lines judged by the catalogue's rules and saved.</summary>
public sealed class JobEditorRequirementsTests : IAsyncLifetime
{
    private JobEditorHost _host = null!;

    private IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs => _host.Dialogs;

    public async Task InitializeAsync() => _host = await JobEditorHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_pip_option_is_refused_at_the_field_naming_its_line_and_good_lines_are_saved_without_blank_ones()
    {
        using var admin = Acting.AsAdmin();
        var job = await _host.Catalog.CreateAsync(new JobDocument { Name = "Load", JobType = "python", Command = "load.py" });
        var closed = _host.OpenEditorAsync(job.Id);

        Find("field-requirements").Input("tinypkg==1.0\n-e .");
        _host.Settle();

        Dialogs.WaitForAssertion(() => Assert.StartsWith("Line 2 of requirements: '-e .' is a pip option", FieldError("field-requirements"), StringComparison.Ordinal));
        Find("field-requirements").Input("tinypkg==1.0\n\n requests>=2 \n");
        _host.Settle();
        Dialogs.WaitForAssertion(() => Assert.False(Find("job-editor-save").HasAttribute("disabled")));
        Find("job-editor-save").Click();
        var saved = await closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["tinypkg==1.0", "requests>=2"], saved!.Requirements);
    }

    [Fact]
    public async Task A_shell_job_has_no_requirements_box()
    {
        using var admin = Acting.AsAdmin();
        var job = await _host.Catalog.CreateAsync(new JobDocument { Name = "Backup", JobType = "shell", Command = "./backup.sh" });
        _ = _host.OpenEditorAsync(job.Id);

        Dialogs.WaitForElement("[data-testid=field-command]");

        Assert.Empty(Dialogs.FindAll("[data-testid=field-requirements]"));
    }

    private IElement Find(string testId) => Dialogs.Find($"[data-testid={testId}]");

    /// <summary>The message MudBlazor shows under an input, or null.</summary>
    private string? FieldError(string testId) =>
        Find(testId).Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error .me-auto")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
}
