using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The API reference at /api/docs, rendered from the OpenAPI document with assets EtlWeb serves itself.</summary>
public sealed class ApiDocsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_reference_lists_the_routes_from_the_openapi_document()
    {
        var page = await app.NewPageAsync();
        var failed = new List<string>();
        page.RequestFailed += (_, request) => failed.Add(request.Url);
        await page.GotoAsync(new Uri(app.BaseAddress, "/api/docs").ToString());

        await Expect(page.GetByText("List every job with its status, last run and next run, in name order; folder=finance keeps the jobs of that folder and the folders below it; limit=100 answers a page and a Link header (rel=\"next\") to the next one, after=NAME starts after that job.").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Import and export").First).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "api-docs");
        Assert.Empty(failed);
        await page.Context.DisposeAsync();
    }
}
