using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

public sealed class LoggingTests : ChildAppTest
{
    [Fact]
    public async Task The_rolling_log_file_has_a_line_per_request_and_the_run_id_on_the_lines_about_a_run()
    {
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress());
        using var client = app.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("logged"));
        var runId = await client.RunJobAsync(job);
        await client.WaitForEndAsync(runId);

        var lines = await WaitForLinesAsync(l => l.Contains($"Attempt 1 of run {runId} ended \"Succeeded\"", StringComparison.Ordinal));

        // The attempt's other properties ride along on the line (a property already in the message is not repeated).
        Assert.Contains(lines, l => l.Contains($"Attempt 1 of run {runId} ended", StringComparison.Ordinal) && l.Contains("\"AttemptId\":", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"HTTP POST /api/jobs/{job["id"]}/run responded 202", StringComparison.Ordinal));
        // Health probes come every 30 s from Docker; they stay out of the Information log.
        Assert.DoesNotContain(lines, l => l.Contains("HTTP GET /health", StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> until)
    {
        var directory = Path.Combine(DataDirectory, "logs");
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        List<string> lines = [];
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            lines = [];
            foreach (var file in Directory.Exists(directory) ? Directory.GetFiles(directory, "etlweb-*.log") : [])
            {
                // Serilog keeps the file open for writing.
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                lines.AddRange((await reader.ReadToEndAsync()).Split('\n'));
            }

            if (lines.Any(until))
            {
                return lines;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"No such line in the log file:\n{string.Join('\n', lines)}");
        return lines;
    }
}
