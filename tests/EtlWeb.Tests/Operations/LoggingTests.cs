using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LoggingTests : ChildAppTest
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task The_rolling_log_file_has_a_line_per_request_and_the_run_id_on_the_lines_about_a_run_and_no_token()
    {
        // A data directory EtlWeb makes itself, as on a first start (the helper makes the one it is given).
        var dataDirectory = Path.Combine(DataDirectory, "fresh");
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress(), new Dictionary<string, string> { ["EtlWeb__DataDirectory"] = dataDirectory });
        using var client = app.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("logged"));
        var runId = await client.RunJobAsync(job);
        await client.WaitForEndAsync(runId);
        const string HookToken = "whk_Q2xlYXJseU5vdEFSZWFsVG9rZW5CdXRMb25n";
        using (var hook = await client.PostAsync(new Uri($"/api/hooks/{HookToken}", UriKind.Relative), null))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, hook.StatusCode);
        }

        var lines = await WaitForLinesAsync(dataDirectory, l => l.Contains("HTTP POST /api/hooks/whk_*** responded 404", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Attempt 1 of run {runId} ended \"Succeeded\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(HookToken[4..], StringComparison.Ordinal));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(dataDirectory));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(dataDirectory, "logs")));
        Assert.All(Directory.GetFiles(Path.Combine(dataDirectory, "logs")), file =>
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
        await app.WaitForOutputAsync(l => l.Contains("HTTP POST /api/hooks/whk_***", StringComparison.Ordinal));

        // The attempt's other properties ride along on the line (a property already in the message is not repeated).
        Assert.Contains(lines, l => l.Contains($"Attempt 1 of run {runId} ended", StringComparison.Ordinal) && l.Contains("\"AttemptId\":", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"HTTP POST /api/jobs/{job.Id}/run responded 202", StringComparison.Ordinal));
        // Health probes come every 30 s from Docker; they stay out of the Information log.
        Assert.DoesNotContain(lines, l => l.Contains("HTTP GET /health", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> WaitForLinesAsync(string dataDirectory, Func<string, bool> until)
    {
        var directory = Path.Combine(dataDirectory, "logs");
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
