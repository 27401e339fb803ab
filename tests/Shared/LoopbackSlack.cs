using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EtlWeb.Testing;

/// <summary>A real HTTP listener on a loopback port that stands in for a Slack incoming webhook and keeps the JSON posted.</summary>
public sealed class LoopbackSlack : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackSlack(WebApplication app) => _app = app;

    public ArrivalQueue<JsonObject> Posts { get; } = new();

    /// <summary>The status the hook answers with; 200 ("ok") unless a test sets another.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public string WebhookUrl { get; private set; } = "";

    public static async Task<LoopbackSlack> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var slack = new LoopbackSlack(app);
        app.MapPost("/services/T000/B000/secret-hook", async (HttpContext context) =>
        {
            if (await JsonNode.ParseAsync(context.Request.Body) is JsonObject posted)
            {
                slack.Posts.Add(posted);
            }

            context.Response.StatusCode = slack.Status;
            await context.Response.WriteAsync(slack.Status == StatusCodes.Status200OK ? "ok" : "invalid_payload");
        });
        await app.StartAsync();
        slack.WebhookUrl = app.Urls.First().TrimEnd('/') + "/services/T000/B000/secret-hook";
        return slack;
    }

    public Task<IReadOnlyList<JsonObject>> WaitForAsync(int count) => Posts.WaitForAsync(count, TimeSpan.FromSeconds(30), "post(s)");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
