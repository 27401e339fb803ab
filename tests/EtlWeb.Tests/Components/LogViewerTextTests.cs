using EtlWeb.Core.Runs;
using EtlWeb.Features.Runs;

namespace EtlWeb.Tests.Components;

/// <summary>What the log viewer's terminal is sent for each stored line.</summary>
public sealed class LogViewerTextTests
{
    private const string Esc = "\u001b";

    [Fact]
    public void A_line_gets_its_one_based_number_in_a_dim_gutter()
    {
        var text = LogTerminalText.Format(Line(41, LogStream.Stdout, "hello"));

        Assert.StartsWith($"{Esc}[2m     42 │ {Esc}[0mhello", text, StringComparison.Ordinal);
        Assert.Equal(LogTerminalText.GutterWidth, LogTerminalText.Visible(text).IndexOf("hello", StringComparison.Ordinal));
    }

    [Fact]
    public void Stderr_is_red_with_a_heavy_bar_even_after_the_jobs_own_colour_reset()
    {
        var text = LogTerminalText.Format(Line(0, LogStream.Stderr, $"bad {Esc}[1mbold{Esc}[0m still red"));

        Assert.Contains($"{Esc}[31m┃ bad", text, StringComparison.Ordinal);
        Assert.Contains($"{Esc}[0m{Esc}[31m still red", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EtlWebs_own_lines_are_dimmed()
    {
        var text = LogTerminalText.Format(Line(0, LogStream.System, "[EtlWeb] Attempt 1 started"));

        Assert.Contains($"│ {Esc}[0m{Esc}[2m[EtlWeb] Attempt 1 started", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Colours_are_kept_and_cursor_moves_clears_and_titles_are_dropped()
    {
        var text = LogTerminalText.Format(Line(0, LogStream.Stdout, $"{Esc}[32mok{Esc}[0m{Esc}[2J{Esc}[10;5H{Esc}]0;title\uFFFDdone{Esc}(B!"));

        Assert.Contains($"{Esc}[32mok{Esc}[0mdone!", text, StringComparison.Ordinal);
        Assert.DoesNotContain("title", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_very_long_line_is_cut_on_screen_with_a_note_of_what_is_left()
    {
        var text = LogTerminalText.Format(Line(0, LogStream.Stdout, new string('x', LogTerminalText.MaxShownChars + 5_000)));

        Assert.Contains("… 5,000 more characters", text, StringComparison.Ordinal);
        Assert.Equal(LogTerminalText.MaxShownChars, text.Count(c => c == 'x'));
    }

    [Fact]
    public void Visible_text_leaves_out_every_escape_sequence()
    {
        Assert.Equal("error: disk full", LogTerminalText.Visible($"{Esc}[1;31merror{Esc}[0m: disk {Esc}[4mfull{Esc}[m"));
        Assert.Equal("plain", LogTerminalText.Visible("plain"));
    }

    private static LogLine Line(long number, LogStream stream, string text) => new(number, DateTimeOffset.UnixEpoch, stream, text);
}
