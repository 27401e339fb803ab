using System.Net;
using System.Net.Sockets;
using System.Text;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;
using static EtlWeb.Tests.Templates.TemplateClient;

namespace EtlWeb.Tests.Templates;

/// <summary>The shipped templates, each created into a folder and run for real: sqlite3, curl, find and Python.</summary>
public sealed class ShippedTemplateTests : HostTest
{
    private string Files(string name) => Directory.CreateDirectory(Path.Combine(Factory.DataDirectory, "files", name)).FullName;

    private static void Age(string path, int days) => File.SetLastWriteTimeUtc(path, TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-days));

    private static long Scalar(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task The_csv_load_template_imports_a_file_into_a_new_sqlite_table_and_a_second_run_replaces_its_rows()
    {
        var dir = Files("csv");
        var csv = Path.Combine(dir, "sales.csv");
        await File.WriteAllTextAsync(csv, "region,amount\nnorth,120\nsouth,80\n");
        var database = Path.Combine(dir, "shop.db");

        var (jobs, _) = await Client.InstantiateAsync("CSV load into SQLite", "loads", Values(("csv_file", csv), ("database", database), ("table", "sales")));
        var (id, name) = Assert.Single(jobs);
        Assert.Equal("Load sales from CSV", name);
        Assert.Equal("loads", (await Client.GetJobAsync(id)).Folder);

        foreach (var _ in new[] { "first", "second" })
        {
            var run = await Client.RunToEndAsync(id);
            Assert.True(run.Status == "Succeeded", await Client.LogAsync(run.Id));
            Assert.Contains("the table has 2 rows", await Client.LogAsync(run.Id), StringComparison.Ordinal);
            Assert.Equal("2", run.Outputs["rows"].GetString());
        }

        Assert.Equal(200, Scalar(database, "SELECT sum(amount) FROM sales"));
    }

    [Fact]
    public async Task The_http_download_template_has_curl_retry_a_503_and_moves_the_served_file_into_place()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(server, () => Interlocked.Increment(ref requests) == 1 ? "503 Service Unavailable" : "200 OK", stop.Token);
        var target = Path.Combine(Files("download"), "data", "report.csv");

        var url = $"http://127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}/report.csv";
        var (jobs, _) = await Client.InstantiateAsync("HTTP download with curl and retry", "downloads",
            Values(("job_name", "Fetch report"), ("url", url), ("target", target), ("retries", "3"), ("retry_delay", "1")));
        var run = await Client.RunToEndAsync(jobs[0].Id);
        await stop.CancelAsync();
        await serving;

        Assert.True(run.Status == "Succeeded", await Client.LogAsync(run.Id));
        Assert.Equal(2, requests);
        Assert.Single(run.Attempts);
        Assert.Equal("region,amount\nnorth,120\n", await File.ReadAllTextAsync(target));
        Assert.Equal(["report.csv"], Directory.GetFiles(Path.GetDirectoryName(target)!).Select(Path.GetFileName));
        Assert.Equal(target, run.Outputs["file"].GetString());
    }

    /// <summary>Answers each request on its own connection with the status <paramref name="status"/> gives, and a small CSV when it is 200.</summary>
    private static async Task ServeAsync(TcpListener server, Func<string> status, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await server.AcceptTcpClientAsync(cancellationToken);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 })
                {
                }

                var answer = status();
                var body = answer.StartsWith("200", StringComparison.Ordinal) ? "region,amount\nnorth,120\n" : "try again\n";
                var response = $"HTTP/1.1 {answer}\r\nContent-Type: text/csv\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task The_clean_up_template_deletes_only_old_matching_files_below_the_directory_and_refuses_the_root()
    {
        var dir = Files("cleanup");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        string[] old = [Path.Combine(dir, "old.log"), Path.Combine(dir, "sub", "older.log")];
        string[] kept = [Path.Combine(dir, "new.log"), Path.Combine(dir, "old.txt")];
        foreach (var file in old.Concat(kept))
        {
            await File.WriteAllTextAsync(file, "x");
        }

        Array.ForEach(old, f => Age(f, 40));
        Age(kept[1], 40);

        var (jobs, _) = await Client.InstantiateAsync("Clean-up of old files", "housekeeping", Values(("directory", dir), ("pattern", "*.log"), ("days", "30")));
        var run = await Client.RunToEndAsync(jobs[0].Id);

        var log = await Client.LogAsync(run.Id);
        Assert.True(run.Status == "Succeeded", log);
        Assert.All(old, f => Assert.False(File.Exists(f), f));
        Assert.All(kept, f => Assert.True(File.Exists(f), f));
        Assert.All(old, f => Assert.Contains($"Deleted {f}", log, StringComparison.Ordinal));
        Assert.Equal("2", run.Outputs["deleted"].GetString());

        var (root, _) = await Client.InstantiateAsync("Clean-up of old files", "housekeeping", Values(("job_name", "Clean the root"), ("directory", "/")));
        var refused = await Client.RunToEndAsync(root[0].Id);
        Assert.Equal("Failed", refused.Status);
        Assert.Contains("Refusing to clean up '/'", await Client.LogAsync(refused.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_python_etl_template_runs_extract_transform_and_load_in_order_and_loads_the_cleaned_rows()
    {
        var dir = Files("etl");
        var source = Path.Combine(dir, "orders.csv");
        await File.WriteAllTextAsync(source, "Region , Amount\n north ,120\n,\nsouth, 80\n");
        var target = Path.Combine(dir, "warehouse.db");
        var work = Path.Combine(dir, "work");

        var (jobs, _) = await Client.InstantiateAsync("Python extract-transform-load", "etl/orders",
            Values(("pipeline", "Orders"), ("source", source), ("target", target), ("table", "orders"), ("work_dir", work)));
        Assert.Equal(["Orders extract", "Orders transform", "Orders load"], jobs.Select(j => j.Name));
        Assert.Equal(["Orders transform"], (await Client.GetJobAsync(jobs[2].Id)).UpstreamNames());

        var extract = await Client.RunToEndAsync(jobs[0].Id);
        var transform = await Client.EndOfRunOfAsync(jobs[1].Id);
        var load = await Client.EndOfRunOfAsync(jobs[2].Id);

        Assert.All(new[] { extract, transform, load }, r => Assert.Equal("Succeeded", r.Status));
        Assert.True(transform.StartedAt >= extract.FinishedAt && load.StartedAt >= transform.FinishedAt);
        Assert.Equal("3", extract.Outputs["rows"].GetString());
        Assert.Equal("2", load.Outputs["rows"].GetString());
        Assert.Equal(2, Scalar(target, "SELECT count(*) FROM orders WHERE (region, amount) IN (VALUES ('north', '120'), ('south', '80'))"));
        Assert.Empty(Directory.GetFiles(work));
    }
}
