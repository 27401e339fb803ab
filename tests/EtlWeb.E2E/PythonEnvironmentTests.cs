using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Testing;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>EtlWeb installing Python jobs' requirements from a local wheel directory, as on a site without internet.</summary>
public sealed class WheelDirectoryAppFixture : AppFixture
{
    public string WheelDirectory { get; } = TinyWheel.NewDirectory();

    protected override Task<IReadOnlyDictionary<string, string>> PrepareAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["EtlWeb__Python__WheelDirectory"] = WheelDirectory });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(WheelDirectory, recursive: true);
    }
}

/// <summary>A Python job's requirements in the browser: the editor's Requirements box, and the environment on the job details.</summary>
public sealed class PythonEnvironmentTests(WheelDirectoryAppFixture app) : IClassFixture<WheelDirectoryAppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_editor_saves_the_requirements_and_the_job_details_show_the_environment_and_its_build_log_after_a_run()
    {
        var id = await app.CreateJobAsync(new { name = "Tiny package", job_type = "python", command = "-c \"import tinypkg; print('value', tinypkg.VALUE)\"" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={id}");
        await page.GetByTestId("job-edit").ClickAsync();
        await page.GetByTestId("field-requirements").FillAsync("tinypkg==1.0\n");
        await Expect(page.GetByText("One per line, as in requirements.txt; installed into a shared virtual environment")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-requirements");
        await page.GetByTestId("job-editor-save").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-requirements")).ToHaveTextAsync("tinypkg==1.0");
        await Expect(page.GetByTestId("python-environment-state")).ToContainTextAsync("Not built yet");

        using var client = app.CreateClient();
        var job = await client.GetFromJsonAsync<JobDocument>(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(["tinypkg==1.0"], job!.Requirements);

        var runId = await app.RunJobAsync(id);
        await AppFixture.GotoAsync(page, $"/runs/{runId}");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("Succeeded", new() { Timeout = 180_000 });
        await Expect(page.GetByText("value 42")).ToBeVisibleAsync();

        await AppFixture.GotoAsync(page, $"/?job={id}");
        var environment = page.GetByTestId("python-environment");
        await Expect(environment.GetByTestId("python-environment-state")).ToHaveTextAsync("Ready");
        await environment.GetByText("Build log").ClickAsync();
        await Expect(environment.GetByTestId("python-environment-log")).ToContainTextAsync("Successfully installed tinypkg-1.0");
        await AppFixture.ScreenshotAsync(page, "job-details-python-environment");
    }
}
