using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>File > New from template (placeholders asked for, jobs created in a folder) and Save as template of linked jobs.</summary>
public sealed class TemplatesTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task New_from_template_asks_for_the_placeholders_and_creates_the_three_linked_etl_jobs_in_the_folder()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await page.GetByTestId("menu-file").ClickAsync();
        await page.GetByTestId("menu-new-from-template").ClickAsync();
        var dialog = page.GetByTestId("template-new-dialog");
        await dialog.GetByTestId("template-item-Python extract-transform-load").ClickAsync();
        await Expect(dialog.GetByTestId("template-description")).ToContainTextAsync("extract -> transform -> load");
        await Expect(dialog.GetByTestId("template-value-table")).ToHaveValueAsync("loaded_rows");

        await dialog.GetByTestId("template-value-pipeline").FillAsync("Web ETL");
        await dialog.GetByTestId("template-folder").FillAsync("etl/web");
        await page.GetByTestId("template-create").ClickAsync();
        await Expect(dialog).ToContainTextAsync("A value for 'source' is required");

        await dialog.GetByTestId("template-value-source").FillAsync("/srv/in/orders.csv");
        await dialog.GetByTestId("template-value-target").FillAsync("/srv/warehouse.db");
        await AppFixture.ScreenshotAsync(page, "template-new-dialog");
        await page.GetByTestId("template-create").ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.GetByTestId("job-row-Web ETL extract")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.GetByTestId("job-row-Web ETL load")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "template-new-created");
        var jobs = (await JobsAsync()).Where(j => j.Name!.StartsWith("Web ETL", StringComparison.Ordinal)).ToDictionary(j => j.Name!);
        Assert.All(jobs.Values, j => Assert.Equal("etl/web", j.Folder));
        Assert.Equal(["Web ETL transform"], jobs["Web ETL load"].UpstreamNames());
        Assert.Equal("/srv/warehouse.db", jobs["Web ETL load"].Environment!.Value.GetProperty("TARGET_DB").GetString());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Save_as_template_takes_the_job_with_its_linked_jobs_and_new_from_template_makes_a_copy_with_another_value()
    {
        await app.CreateJobAsync(new { name = "shop extract", job_type = "shell", command = "echo extract shop" });
        var transform = await app.CreateJobAsync(new { name = "shop transform", job_type = "shell", command = "echo transform", dependencies = new[] { "shop extract" } });
        await app.CreateJobAsync(new { name = "shop load", job_type = "shell", command = "echo load", dependencies = new[] { "shop transform" } });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={transform}");

        await page.GetByTestId("job-save-as-template").ClickAsync();
        var dialog = page.GetByTestId("template-save-dialog");
        await Expect(dialog.GetByTestId("template-jobs")).ToContainTextAsync("shop extract, shop transform, shop load");
        await dialog.GetByTestId("template-name").FillAsync("Shop pipeline");
        await dialog.GetByTestId("template-save-description").FillAsync("Extract, transform and load one shop");
        await dialog.GetByTestId("placeholder-name-0").FillAsync("shop");
        await dialog.GetByTestId("placeholder-replaces-0").FillAsync("shop");
        await AppFixture.ScreenshotAsync(page, "template-save-dialog");
        await page.GetByTestId("template-save").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Saved the template 'Shop pipeline' of 3 jobs" })).ToBeVisibleAsync();

        await page.GetByTestId("job-new-from-template").ClickAsync();
        var create = page.GetByTestId("template-new-dialog");
        await create.GetByTestId("template-item-Shop pipeline").ClickAsync();
        await Expect(create.GetByTestId("template-value-shop")).ToHaveValueAsync("shop");
        await create.GetByTestId("template-value-shop").FillAsync("store");
        await create.GetByTestId("template-folder").FillAsync("stores");
        await AppFixture.ScreenshotAsync(page, "template-new-saved");
        await page.GetByTestId("template-create").ClickAsync();

        await Expect(page.GetByTestId("job-row-store extract")).ToHaveAttributeAsync("aria-selected", "true");
        var jobs = (await JobsAsync()).ToDictionary(j => j.Name!);
        Assert.Equal("echo extract store", jobs["store extract"].Command);
        Assert.Equal(["store transform"], jobs["store load"].UpstreamNames());
        Assert.Equal("stores", jobs["store load"].Folder);
        await page.Context.DisposeAsync();
    }

    private async Task<List<JobDocument>> JobsAsync()
    {
        using var client = app.CreateClient();
        return (await client.GetFromJsonAsync<List<JobDocument>>(new Uri("/api/jobs", UriKind.Relative), JsonSerializerOptions.Default))!;
    }
}
