using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Runs;

public sealed class DesktopExecutionsTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("completed", "", AttemptStatus.Succeeded)]
    [InlineData("Completed", "", AttemptStatus.Succeeded)]
    [InlineData("failed", "Traceback", AttemptStatus.Failed)]
    [InlineData("failed", "Process timed out after 300 seconds\n", AttemptStatus.TimedOut)]
    [InlineData("running", null, AttemptStatus.Interrupted)]
    [InlineData("cancelled", "", AttemptStatus.Cancelled)]
    public void Each_desktop_status_reads_as_an_attempt_status(string status, string? errorOutput, AttemptStatus expected) =>
        Assert.Equal(expected, DesktopExecutions.StatusOf(status, errorOutput));

    [Theory]
    [InlineData("")]
    [InlineData("idle")]
    [InlineData(null)]
    public void A_word_the_desktop_does_not_write_is_no_status(string? status) => Assert.Null(DesktopExecutions.StatusOf(status, ""));

    [Theory]
    [InlineData("2026-09-01T02:00:00.120000", "2026-09-01T00:00:00.1200000+00:00")]
    [InlineData("2026-09-01 02:00:00", "2026-09-01T00:00:00.0000000+00:00")]
    [InlineData("2026-12-24T08:30:00", "2026-12-24T07:30:00.0000000+00:00")]
    [InlineData("2026-03-29T02:30:00", "2026-03-29T01:30:00.0000000+00:00")]
    [InlineData("2026-09-01T02:00:00+05:00", "2026-08-31T21:00:00.0000000+00:00")]
    public void A_time_without_an_offset_is_read_in_the_zone_given_and_one_with_an_offset_as_written(string text, string utc)
    {
        Assert.True(DesktopExecutions.TryParseTime(text, Berlin, out var instant));
        Assert.Equal(utc, instant.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData("2026-13-01T00:00:00")]
    public void Text_that_is_not_a_time_is_refused(string text) => Assert.False(DesktopExecutions.TryParseTime(text, Berlin, out _));

    [Fact]
    public void The_message_names_the_execution_who_started_it_its_retries_and_how_it_ended()
    {
        Assert.Equal("Desktop tool execution 7, started by its schedule, after 3 retries: failed with exit code 2.",
            DesktopExecutions.Describe(7, "failed", AttemptStatus.Failed, 2, 3, "scheduler"));
        Assert.Equal("Desktop tool execution 8, started by hand: completed.",
            DesktopExecutions.Describe(8, "completed", AttemptStatus.Succeeded, 0, 0, "manual"));
        Assert.Equal("Desktop tool execution 9, triggered by api: still running when the desktop tool's database was copied: it never ended there.",
            DesktopExecutions.Describe(9, "running", AttemptStatus.Interrupted, null, 0, "API"));
    }
}
