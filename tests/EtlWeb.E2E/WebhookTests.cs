using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>A job's webhook on the Job details tab: create it, call its URL from outside, rotate it.</summary>
public sealed class WebhookTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_webhook_made_in_the_ui_starts_the_job_and_a_rotation_retires_its_old_url()
    {
        var id = await app.CreateJobAsync(new { name = "Hooked export", job_type = "shell", command = "echo \"export for $ETL_HOOK_DATE\"" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={id}");
        var section = page.GetByTestId("job-webhook");
        await Expect(section.GetByTestId("webhook-none")).ToBeVisibleAsync();

        await section.GetByTestId("webhook-create").ClickAsync();
        var shown = section.GetByTestId("webhook-url");
        await Expect(shown).ToContainTextAsync("/api/hooks/whk_");
        var first = (await shown.TextContentAsync())!.Trim();
        await section.GetByTestId("webhook-remove").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = "/tmp/hooks.png" });
        await AppFixture.ScreenshotAsync(page, "job-webhook");

        // Another system: no account, no cookie, only the URL.
        using var outsider = new HttpClient();
        using (var response = await PostAsync(outsider, first))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetInt64();
            await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Succeeded");
            using var api = app.CreateClient();
            Assert.Contains("export for 2026-11-27", await api.GetStringAsync(new Uri($"/api/runs/{runId}/log", UriKind.Relative)), StringComparison.Ordinal);
        }

        await page.GetByRole(AriaRole.Tab, new() { Name = "Recent executions" }).ClickAsync();
        await Expect(page.GetByTestId("recent-runs")).ToContainTextAsync("Webhook");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Job details" }).ClickAsync();
        await section.GetByTestId("webhook-rotate").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("stops working at once");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await Expect(shown).Not.ToHaveTextAsync(first);
        var rotated = (await shown.TextContentAsync())!.Trim();

        using (var old = await PostAsync(outsider, first))
        {
            Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        }

        using (var current = await PostAsync(outsider, rotated))
        {
            Assert.Equal(HttpStatusCode.Accepted, current.StatusCode);
        }

        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_sees_the_webhook_section_and_a_viewer_does_not()
    {
        var id = await app.CreateJobAsync(new { name = "Viewer hook", job_type = "shell", command = "echo hi" });
        var operatorPage = await app.NewPageAsAsync("Operator");
        await AppFixture.GotoAsync(operatorPage, $"/?job={id}");
        await Expect(operatorPage.GetByTestId("job-details")).ToBeVisibleAsync();
        await Expect(operatorPage.GetByTestId("job-webhook").GetByTestId("webhook-none")).ToBeVisibleAsync();
        await operatorPage.Context.DisposeAsync();

        var page = await app.NewPageAsAsync("Viewer");
        await AppFixture.GotoAsync(page, $"/?job={id}");

        await Expect(page.GetByTestId("job-details")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("job-webhook")).ToHaveCountAsync(0);
        await page.Context.DisposeAsync();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url) =>
        client.PostAsync(new Uri(url), new StringContent("""{"date": "2026-11-27"}""", Encoding.UTF8, "application/json"));
}
