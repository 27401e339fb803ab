using EtlWeb.Core.Runs;
using EtlWeb.Features.Runs;

namespace EtlWeb.Tests.Components;

/// <summary>
/// The log viewer's paging without a browser: <see cref="LogWindow"/> decides which lines are shown, and its edits,
/// applied to a list standing in for the terminal, must always leave exactly [First, Next) on screen.
/// </summary>
public sealed class LogViewerPagingTests
{
    private const long MillionLines = 1_000_000;

    [Fact]
    public void A_log_opens_at_its_tail()
    {
        var window = new LogWindow(pageSize: 2_000, maxLines: 10_000);
        var screen = new List<long>();

        Apply(screen, window.Reset(new LogPage(Lines(MillionLines - 2_000, 2_000), MillionLines)));

        Assert.Equal(MillionLines - 2_000, window.First);
        Assert.Equal(MillionLines, window.Next);
        Assert.True(window.HasEarlier);
        Assert.False(window.HasLater);
        AssertShows(window, screen);
    }

    [Fact]
    public void Earlier_pages_reach_the_first_line_without_gaps_or_repeats_and_the_window_stays_bounded()
    {
        var window = new LogWindow(pageSize: 2_000, maxLines: 10_000);
        var screen = new List<long>();
        Apply(screen, window.Reset(new LogPage(Lines(MillionLines - 2_000, 2_000), MillionLines)));
        var firstLines = new List<long> { window.First };

        while (window.HasEarlier)
        {
            var (from, count) = window.EarlierPage();
            Apply(screen, window.Prepend(Lines(from, count)));
            AssertShows(window, screen);
            Assert.InRange(window.Count, 1, window.MaxLines);
            firstLines.Add(window.First);
        }

        Assert.Equal(0, window.First);
        Assert.Equal(firstLines.OrderDescending(), firstLines);
        Assert.Equal(MillionLines / 2_000, firstLines.Count);
        Assert.True(window.HasLater);
    }

    [Fact]
    public void Later_pages_lead_back_to_the_tail_after_paging_back()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        var screen = new List<long>();
        Apply(screen, window.Reset(new LogPage(Lines(9_900, 100), 10_000)));
        for (var i = 0; i < 20; i++)
        {
            var (from, count) = window.EarlierPage();
            Apply(screen, window.Prepend(Lines(from, count)));
        }

        Assert.True(window.HasLater);
        while (window.HasLater)
        {
            var (from, count) = window.LaterPage();
            Apply(screen, window.Append(Lines(from, (int)Math.Min(count, 10_000 - from))));
            AssertShows(window, screen);
            Assert.InRange(window.Count, 1, window.MaxLines);
        }

        Assert.Equal(10_000, window.Next);
    }

    [Fact]
    public void Live_lines_already_shown_are_not_shown_twice()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        var screen = new List<long>();
        Apply(screen, window.Reset(new LogPage(Lines(0, 100), 100)));

        var change = window.Append(Lines(90, 30));

        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), change.Append.Select(l => l.Number));
        Apply(screen, change);
        AssertShows(window, screen);
        Assert.Equal(120, window.KnownLines);
    }

    [Fact]
    public void A_gap_before_live_lines_is_read_from_the_store_and_never_more_than_a_page()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        window.Reset(new LogPage(Lines(0, 120), 120));

        Assert.Null(window.GapBefore(120));
        Assert.Equal((From: 120L, Count: 30), window.GapBefore(150)!.Value);
        Assert.Equal((From: 99_900L, Count: 100), window.GapBefore(100_000)!.Value);
    }

    [Fact]
    public void Live_lines_after_a_large_gap_replace_the_window()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        var screen = new List<long>();
        Apply(screen, window.Reset(new LogPage(Lines(0, 120), 120)));
        var (from, count) = window.GapBefore(100_000)!.Value;

        var change = window.Append([.. Lines(from, count), .. Lines(100_000, 50)]);

        Assert.True(change.Replace);
        Apply(screen, change);
        AssertShows(window, screen);
        Assert.Equal(99_900, window.First);
        Assert.Equal(100_050, window.Next);
    }

    [Fact]
    public void Following_a_fast_log_drops_the_oldest_lines_and_keeps_the_window_bounded()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        var screen = new List<long>();
        Apply(screen, window.Reset(new LogPage([], 0)));
        var rewrites = 0;

        long next;
        for (next = 0; next < 20_000; next += 37)
        {
            var change = window.Append(Lines(next, 37));
            rewrites += change.DropTop > 0 ? 1 : 0;
            Apply(screen, change);
            AssertShows(window, screen);
            Assert.InRange(window.Count, 1, window.MaxLines);
        }

        Assert.Equal(next, window.Next);
        Assert.InRange(rewrites, 1, window.Next / window.PageSize);
    }

    [Fact]
    public void A_batch_longer_than_the_window_keeps_only_its_newest_lines()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        window.Reset(new LogPage(Lines(0, 10), 10));

        var change = window.Append(Lines(10, 5_000));

        Assert.True(change.Replace);
        Assert.Equal(5_010 - 400, window.First);
        Assert.Equal(5_010, window.Next);
    }

    [Fact]
    public void A_page_that_does_not_end_where_the_window_starts_is_refused()
    {
        var window = new LogWindow(pageSize: 100, maxLines: 500);
        window.Reset(new LogPage(Lines(1_000, 100), 1_100));

        Assert.True(window.Prepend(Lines(800, 100)).IsEmpty);
        Assert.Equal(1_000, window.First);
    }

    [Fact]
    public void The_live_buffer_merges_batches_into_one_drain_and_keeps_only_the_newest_lines()
    {
        var buffer = new LiveLogBuffer(capacity: 100);

        Assert.True(buffer.Add(Lines(0, 60)));
        Assert.False(buffer.Add(Lines(60, 60)));
        var taken = buffer.Take();

        Assert.Equal(Enumerable.Range(20, 100).Select(i => (long)i), taken.Select(l => l.Number));
        Assert.True(buffer.Add(Lines(120, 500)));
        Assert.Equal(520, buffer.Take()[0].Number);
    }

    private static List<LogLine> Lines(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new LogLine(from + i, DateTimeOffset.UnixEpoch, LogStream.Stdout, $"line {from + i}"))];

    /// <summary>What the browser module does with an edit, on line numbers instead of text.</summary>
    private static void Apply(List<long> screen, LogWindowChange change)
    {
        if (change.Replace)
        {
            screen.Clear();
        }

        screen.RemoveRange(0, change.DropTop);
        screen.RemoveRange(screen.Count - change.DropBottom, change.DropBottom);
        screen.InsertRange(0, change.Prepend.Select(l => l.Number));
        screen.AddRange(change.Append.Select(l => l.Number));
    }

    private static void AssertShows(LogWindow window, List<long> screen)
    {
        Assert.Equal(window.Count, screen.Count);
        for (var i = 0; i < screen.Count; i++)
        {
            Assert.Equal(window.First + i, screen[i]);
        }
    }
}
