using System.Globalization;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Runs;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Components;

/// <summary>One stored run of <c>seq 1 100000</c> (line 0 is EtlWeb's start line, so line N reads N).</summary>
public sealed class SeqRunFixture : IAsyncLifetime
{
    public const int Lines = 100_000;

    public EtlWebFactory Factory { get; } = new();

    public long RunId { get; private set; }

    public long AttemptId { get; private set; }

    public RunReader Reader => Factory.Services.GetRequiredService<RunReader>();

    public async Task InitializeAsync()
    {
        using var client = Factory.CreateClient();
        var job = JobsClient.ShellJob("seq");
        job["command"] = $"seq 1 {Lines}";
        RunId = await client.RunJobAsync(await client.CreateJobAsync(job));
        var run = await client.WaitForEndAsync(RunId);
        Assert.Equal("Succeeded", run.Status);
        AttemptId = run.Attempts[0].Id;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The paging reads behind the log viewer, on a real SQLite store written by a real process.</summary>
public sealed class LogViewerReaderTests(SeqRunFixture seq) : IClassFixture<SeqRunFixture>
{
    [Fact]
    public async Task The_tail_is_the_last_lines_with_the_count_of_stored_lines()
    {
        var tail = await seq.Reader.ReadTailAsync(seq.AttemptId, 2_000);

        Assert.Equal(SeqRunFixture.Lines + 1, tail.StoredLines);
        Assert.Equal(Numbers(SeqRunFixture.Lines - 1_999, 2_000), tail.Lines.Select(l => l.Number));
        Assert.Equal(Text(SeqRunFixture.Lines), tail.Lines[^1].Text);
    }

    [Fact]
    public async Task A_range_has_exactly_its_lines_across_chunk_boundaries_and_stops_at_the_end()
    {
        var range = await seq.Reader.ReadRangeAsync(seq.AttemptId, 50_000, 2_000);
        var end = await seq.Reader.ReadRangeAsync(seq.AttemptId, SeqRunFixture.Lines - 10, 2_000);
        var beyond = await seq.Reader.ReadRangeAsync(seq.AttemptId, SeqRunFixture.Lines + 5, 2_000);

        Assert.Equal(Numbers(50_000, 2_000), range.Lines.Select(l => l.Number));
        Assert.Equal(Enumerable.Range(50_000, 2_000).Select(Text), range.Lines.Select(l => l.Text));
        Assert.Equal(Numbers(SeqRunFixture.Lines - 10, 11), end.Lines.Select(l => l.Number));
        Assert.Empty(beyond.Lines);
    }

    [Fact]
    public async Task Paging_back_from_the_tail_yields_the_whole_log_once_in_order()
    {
        var window = new LogWindow(pageSize: 2_000, maxLines: 10_000);
        var lines = new List<LogLine>((await seq.Reader.ReadTailAsync(seq.AttemptId, window.PageSize)).Lines);
        window.Reset(new LogPage(lines, lines.Count));

        while (window.HasEarlier)
        {
            var (from, count) = window.EarlierPage();
            var page = await seq.Reader.ReadRangeAsync(seq.AttemptId, from, count);
            Assert.False(window.Prepend(page.Lines).IsEmpty);
            lines.InsertRange(0, page.Lines);
        }

        var stored = await seq.Factory.Services.GetRequiredService<EtlWeb.Orchestration.StoredLog>().ReadAsync(seq.AttemptId, 0).ToListAsync();
        Assert.Equal(stored, lines);
    }

    [Fact]
    public async Task Search_finds_the_nearest_line_either_way_ignoring_case_and_colour_codes()
    {
        Assert.Equal(77_777, await seq.Reader.FindLineAsync(seq.AttemptId, "77777", -1, forward: true));
        Assert.Equal(99_999, await seq.Reader.FindLineAsync(seq.AttemptId, "99999", long.MaxValue, forward: false));
        Assert.Equal(12_301, await seq.Reader.FindLineAsync(seq.AttemptId, "123", 12_300, forward: true));
        Assert.Equal(12_123, await seq.Reader.FindLineAsync(seq.AttemptId, "123", 12_300, forward: false));
        Assert.Equal(0, await seq.Reader.FindLineAsync(seq.AttemptId, "ATTEMPT 1 STARTED", long.MaxValue, forward: false));
        Assert.Null(await seq.Reader.FindLineAsync(seq.AttemptId, "no such text", -1, forward: true));
        Assert.Null(await seq.Reader.FindLineAsync(seq.AttemptId, "77777", 77_777, forward: true));
    }

    [Fact]
    public async Task The_download_route_gives_one_attempts_lines_and_refuses_an_attempt_the_run_does_not_have()
    {
        using var client = seq.Factory.CreateClient();

        var text = await client.LogAsync(seq.RunId, "?attempt=1&stream=stdout");
        using var missing = await client.GetAsync(new Uri($"/api/runs/{seq.RunId}/log?attempt=2", UriKind.Relative));

        Assert.Equal(Enumerable.Range(1, SeqRunFixture.Lines).Select(Text), text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("has no attempt 2", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static IEnumerable<long> Numbers(long from, int count) => Enumerable.Range(0, count).Select(i => from + i);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
