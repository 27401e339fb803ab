using System.Text;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

public sealed class OutputCaptureTests
{
    [Fact]
    public async Task Binary_output_is_captured_as_text_without_control_characters()
    {
        var (exitCode, output) = await Attempts.RunAsync(Attempts.Shell("head -c 100000 /dev/urandom"));

        Assert.Equal(0, exitCode);
        Assert.NotEmpty(output.Lines);
        Assert.DoesNotContain(output.Lines, line => line.Text.Any(c => c < ' ' && c != '\t' && c != '\u001b'));
    }

    [Fact]
    public async Task Controls_become_replacement_characters_but_tabs_colours_and_utf8_survive()
    {
        var (_, output) = await Attempts.RunAsync(Attempts.Shell(@"printf 'a\0b\001c\td\033[31mré\033[0m\377\r\n'"));

        Assert.Equal(["a\uFFFDb\uFFFDc\td\u001b[31mré\u001b[0m\uFFFD"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task A_5_MB_line_without_newline_arrives_whole_in_64_KiB_pieces()
    {
        const int size = 5 * 1024 * 1024;

        var (_, output) = await Attempts.RunAsync(Attempts.Shell($"head -c {size} /dev/zero | tr '\\0' x"));

        var pieces = output.Texts(LogStream.Stdout);
        Assert.Equal(size / LineSplitter.MaxLineBytes, pieces.Count);
        Assert.All(pieces, piece => Assert.Equal(new string('x', LineSplitter.MaxLineBytes), piece));
    }

    [Fact]
    public async Task A_final_line_without_newline_is_kept()
    {
        var (_, output) = await Attempts.RunAsync(Attempts.Shell("printf 'one\\ntwo'"));

        Assert.Equal(["one", "two"], output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task Two_hundred_thousand_lines_all_arrive_in_order()
    {
        var (_, output) = await Attempts.RunAsync(Attempts.Shell("seq 1 200000"));

        var expected = Enumerable.Range(1, 200_000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, output.Texts(LogStream.Stdout));
    }

    [Fact]
    public async Task Both_streams_at_full_speed_reach_the_sink_one_call_at_a_time_in_time_order()
    {
        var (_, output) = await Attempts.RunAsync(Attempts.Shell("seq 1 50000 & seq 1 50000 >&2; wait"));

        Assert.Equal(50_000, output.Texts(LogStream.Stdout).Count);
        Assert.Equal(50_000, output.Texts(LogStream.Stderr).Count);
        var timestamps = output.Lines.Select(line => line.Timestamp).ToList();
        Assert.Equal(timestamps.Order(), timestamps);
    }

    [Fact]
    public void A_piece_boundary_never_splits_a_utf8_character()
    {
        var pieces = new List<string>();
        var splitter = new LineSplitter(new SecretMasker([]), 0, (piece, _) => pieces.Add(LineText.Decode(piece)));
        var line = new string('a', LineSplitter.MaxLineBytes - 1) + "é";

        splitter.Push(Encoding.UTF8.GetBytes(line));
        splitter.Flush();

        Assert.Equal([new string('a', LineSplitter.MaxLineBytes - 1), "é"], pieces);
    }

    [Fact]
    public void Each_line_goes_out_with_the_offset_just_past_it_where_reading_would_start_again()
    {
        var lines = new List<(string Text, long End)>();
        var splitter = new LineSplitter(new SecretMasker([]), 100, (line, end) => lines.Add((LineText.Decode(line), end)));

        splitter.Push("ab\ncd\r\n"u8);
        splitter.Push("e"u8);
        splitter.Push("f\ntail"u8);
        Assert.Equal([("ab", 103L), ("cd", 107L), ("ef", 110L)], lines);

        splitter.Flush();
        Assert.Equal(("tail", 114L), lines[^1]);
    }

    [Fact]
    public void A_piece_of_a_long_line_ends_where_the_next_piece_starts()
    {
        var lines = new List<(int Length, long End)>();
        var splitter = new LineSplitter(new SecretMasker([]), 0, (line, end) => lines.Add((line.Length, end)));

        splitter.Push(Encoding.UTF8.GetBytes(new string('a', LineSplitter.MaxLineBytes + 10) + "\n"));

        Assert.Equal([(LineSplitter.MaxLineBytes, (long)LineSplitter.MaxLineBytes), (10, LineSplitter.MaxLineBytes + 11L)], lines);
    }
}
