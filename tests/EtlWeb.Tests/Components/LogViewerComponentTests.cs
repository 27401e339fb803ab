using System.Text.Json.Nodes;
using Bunit;
using EtlWeb.Features.Runs;
using EtlWeb.Realtime;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace EtlWeb.Tests.Components;

/// <summary>
/// The LogViewer component over a real store (runs of real processes), with the browser module stubbed in
/// strict mode (the terminal is created, edited and disposed): what it renders, and the terminal edits it sends as it pages.
/// </summary>
public sealed class LogViewerComponentTests : IAsyncLifetime
{
    private const string Module = "./Features/Runs/LogViewer.razor.js";

    private readonly EtlWebFactory _factory = new();
    private readonly BunitContext _context = new();
    private HttpClient _client = null!;
    private BunitJSModuleInterop _module = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        _context.JSInterop.Mode = JSRuntimeMode.Strict;
        _context.JSInterop.SetupMudBlazor();
        _module = _context.JSInterop.SetupModule(Module);
        foreach (var function in (string[])["create", "apply", "dispose"])
        {
            _module.SetupVoid(function, _ => true).SetVoidResult();
        }

        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_factory.Services.GetRequiredService<RunReader>());
        _context.Services.AddSingleton(_factory.Services.GetRequiredService<RunBroadcaster>());
        _context.Render<MudPopoverProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_long_log_opens_at_its_tail_and_earlier_pages_are_put_before_it()
    {
        var runId = await RunToEndAsync("seq 1 25000");
        var viewer = Render(runId);

        viewer.WaitForAssertion(() => Assert.Equal("Lines 23,002–25,001 of 25,001", viewer.Find("[data-testid=log-range]").TextContent));
        var opened = Assert.Single(Edits());
        Assert.True(opened.Replace);
        Assert.Equal(2_000, opened.Append.Count);
        Assert.Contains(" 25000", Plain(opened.Append[^1]), StringComparison.Ordinal);

        viewer.Find("[data-testid=log-earlier]").Click();
        viewer.WaitForAssertion(() => Assert.Equal("Lines 21,002–25,001 of 25,001", viewer.Find("[data-testid=log-range]").TextContent));
        var earlier = Edits()[^1];
        Assert.Equal(2_000, earlier.Prepend.Count);
        Assert.StartsWith("  21002 │ 21001", Plain(earlier.Prepend[0]), StringComparison.Ordinal);
        Assert.Empty(earlier.Append);

        // Scrolling to the top asks for the next page the same way.
        await viewer.InvokeAsync(viewer.Instance.OnReachedTop);
        viewer.WaitForAssertion(() => Assert.Equal("Lines 19,002–25,001 of 25,001", viewer.Find("[data-testid=log-range]").TextContent));
    }

    [Fact]
    public async Task The_toolbar_offers_download_of_the_attempt_and_hides_follow_for_a_finished_run()
    {
        var runId = await RunToEndAsync("echo out; echo err >&2");
        var viewer = Render(runId);

        viewer.WaitForAssertion(() => Assert.Equal("3 lines", viewer.Find("[data-testid=log-range]").TextContent));
        var download = viewer.Find("a[data-testid=log-download]");
        Assert.Equal($"/api/runs/{runId}/log?attempt=1", download.GetAttribute("href"));
        Assert.Equal($"run-{runId}-attempt-1.log", download.GetAttribute("download"));
        Assert.Empty(viewer.FindAll("[data-testid=log-follow]"));
        Assert.Empty(viewer.FindAll("[data-testid=log-earlier]"));
        Assert.Empty(viewer.FindAll("[data-testid=log-attempt]"));
        var lines = Edits().Single().Append.Select(Plain).ToList();
        Assert.Contains(lines, l => l.EndsWith("│ out", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("┃ err", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silent_run_shows_only_its_start_line_and_a_missing_run_says_so()
    {
        var silent = Render(await RunToEndAsync("true", job => job["name"] = "silent"));
        var missing = Render(424242);

        silent.WaitForAssertion(() => Assert.Equal("1 line", silent.Find("[data-testid=log-range]").TextContent));
        missing.WaitForAssertion(() => Assert.Equal("There is no run 424242.", missing.Find("[data-testid=log-empty]").TextContent));
    }

    [Fact]
    public async Task A_running_attempt_is_followed_and_its_live_lines_arrive_once_each_in_order()
    {
        var job = JobsClient.ShellJob("ticker");
        job["command"] = "for i in $(seq 1 15); do echo tick $i; sleep 0.1; done";
        var runId = await _client.RunJobAsync(await _client.CreateJobAsync(job));
        await _client.WaitForStatusAsync(runId, "Running");
        var viewer = Render(runId);

        viewer.WaitForAssertion(() => Assert.NotEmpty(viewer.FindAll("[data-testid=log-live]")), TimeSpan.FromSeconds(10));
        Assert.NotEmpty(viewer.FindAll("[data-testid=log-follow]"));
        await _client.WaitForEndAsync(runId);
        viewer.WaitForAssertion(() => Assert.Empty(viewer.FindAll("[data-testid=log-live]")), TimeSpan.FromSeconds(10));

        var shown = Shown();
        Assert.Equal(Enumerable.Range(1, 15).Select(i => $"tick {i}"), shown.Skip(1).Select(l => l[LogTerminalText.GutterWidth..]));
        Assert.Equal(Enumerable.Range(1, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(7)), shown.Select(l => l[..7]));
    }

    [Fact]
    public async Task Following_a_fast_log_ends_on_its_last_line_with_no_gap_in_what_is_shown()
    {
        var job = JobsClient.ShellJob("fast");
        job["command"] = "sleep 0.5; seq 1 300000";
        var runId = await _client.RunJobAsync(await _client.CreateJobAsync(job));
        await _client.WaitForStatusAsync(runId, "Running");
        var viewer = Render(runId);

        await _client.WaitForEndAsync(runId);
        viewer.WaitForAssertion(() => Assert.Empty(viewer.FindAll("[data-testid=log-live]")), TimeSpan.FromSeconds(10));

        var numbers = Shown().Select(l => long.Parse(l[..7], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(300_001, numbers[^1]);
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers);
        Assert.InRange(numbers.Count, 1, 10_000);
    }

    [Fact]
    public async Task Pausing_keeps_the_screen_still_and_following_again_catches_up_without_gaps()
    {
        var job = JobsClient.ShellJob("pausable");
        job["command"] = "for i in $(seq 1 30); do echo tick $i; sleep 0.1; done";
        var runId = await _client.RunJobAsync(await _client.CreateJobAsync(job));
        await _client.WaitForStatusAsync(runId, "Running");
        var viewer = Render(runId);
        viewer.WaitForAssertion(() => Assert.Contains(Shown(), l => l.EndsWith("tick 3", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        // The reader scrolls up: the terminal gets no more lines while the count of newer ones grows.
        await viewer.InvokeAsync(viewer.Instance.OnLeftBottom);
        viewer.WaitForAssertion(() => Assert.Contains("since you paused", viewer.Find("[data-testid=log-newer]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var editsWhilePaused = Edits().Count;
        var newerAtPause = Newer();
        viewer.WaitForAssertion(() => Assert.True(Newer() >= newerAtPause + 5, $"{Newer()} newer lines"), TimeSpan.FromSeconds(10));
        Assert.Equal(editsWhilePaused, Edits().Count);
        Assert.Equal("false", viewer.Find("[data-testid=log-viewer]").GetAttribute("data-following"));

        int Newer() => int.Parse(
            System.Text.RegularExpressions.Regex.Match(viewer.Find("[data-testid=log-newer]").TextContent, @"(\d[\d,]*) newer").Groups[1].Value.Replace(",", "", StringComparison.Ordinal),
            System.Globalization.CultureInfo.InvariantCulture);

        // Inside the renderer's dispatcher, so a live re-render cannot replace the button between finding and clicking it.
        await viewer.InvokeAsync(() => viewer.Find("[data-testid=log-newer] button").Click());
        await _client.WaitForEndAsync(runId);
        viewer.WaitForAssertion(() => Assert.Equal(31, Shown().Count), TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"tick {i}"), Shown().Skip(1).Select(l => l[LogTerminalText.GutterWidth..]));
    }

    [Fact]
    public async Task A_run_with_retries_moves_on_to_each_attempt_as_it_starts_unless_one_is_asked_for()
    {
        var job = JobsClient.ShellJob("flaky");
        job["command"] = "test -f tried || { touch tried; echo first; sleep 3; exit 3; }; echo second; exit 4";
        job["working_directory"] = _factory.DataDirectory;
        job["max_retries"] = 1;
        job["retry_delay_seconds"] = 1;
        var runId = await _client.RunJobAsync(await _client.CreateJobAsync(job));
        await _client.WaitForStatusAsync(runId, "Running");
        var latest = Render(runId);

        latest.WaitForAssertion(() => Assert.Equal("1", latest.Find("[data-testid=log-viewer]").GetAttribute("data-attempt")), TimeSpan.FromSeconds(10));
        await _client.WaitForEndAsync(runId);
        latest.WaitForAssertion(() => Assert.Equal("2", latest.Find("[data-testid=log-viewer]").GetAttribute("data-attempt")), TimeSpan.FromSeconds(10));
        latest.WaitForAssertion(() => Assert.NotEmpty(latest.FindAll("[data-testid=log-attempt]")));
        Assert.Equal("exit code 4", latest.Find("[data-testid=log-exit-code]").TextContent);

        var first = _context.Render<LogViewer>(p => p.Add(v => v.RunId, runId).Add(v => v.AttemptNumber, 1));
        first.WaitForAssertion(() => Assert.Equal("1", first.Find("[data-testid=log-viewer]").GetAttribute("data-attempt")));
        Assert.Equal($"/api/runs/{runId}/log?attempt=1", first.Find("a[data-testid=log-download]").GetAttribute("href"));
    }

    private IRenderedComponent<LogViewer> Render(long runId) => _context.Render<LogViewer>(p => p.Add(v => v.RunId, runId));

    private async Task<long> RunToEndAsync(string command, Action<JsonObject>? configure = null)
    {
        var job = JobsClient.ShellJob("job");
        job["command"] = command;
        configure?.Invoke(job);
        var runId = await _client.RunJobAsync(await _client.CreateJobAsync(job));
        Assert.Equal("Succeeded", (await _client.WaitForEndAsync(runId)).Status);
        return runId;
    }

    /// <summary>The terminal's lines after every edit so far, as plain text.</summary>
    private List<string> Shown()
    {
        var shown = new List<string>();
        foreach (var edit in Edits())
        {
            if (edit.Replace)
            {
                shown.Clear();
            }

            shown.RemoveRange(0, edit.DropTop);
            shown.RemoveRange(shown.Count - edit.DropBottom, edit.DropBottom);
            shown.InsertRange(0, edit.Prepend.Select(Plain));
            shown.AddRange(edit.Append.Select(Plain));
        }

        return shown;
    }

    private List<TerminalEdit> Edits() => [.. _module.Invocations["apply"].Select(i => (TerminalEdit)i.Arguments[1]!)];

    private static string Plain(string formatted) => LogTerminalText.Visible(formatted);
}
