using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Bench.Chaos;

/// <summary>
/// What a fault series left behind, read from the database, the ledger, the stored logs and /proc once every run
/// has ended: runs with exactly one terminal state that is what the job did, attempts started twice, schedule fires
/// run twice, orphan processes, log lines lost or duplicated, and (on SQLite) the databases' integrity.
/// </summary>
public static class ChaosAudit
{
    private static readonly string[] Terminal = ["Succeeded", "Failed", "TimedOut", "Cancelled", "Skipped", "UpstreamFailed", "Interrupted"];
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(5);
    private const int ProblemsShown = 20;

    /// <summary>Waits until every run in the database has ended (the schedules should be disabled first).</summary>
    public static async Task DrainAsync(Func<DbConnection> connect)
    {
        using var deadline = new CancellationTokenSource(DrainTimeout);
        while (true)
        {
            var open = (await ReadRunsAsync(connect)).Count(r => !Terminal.Contains(r.Status));
            if (open == 0)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"chaos: {open} run(s) had not ended after {DrainTimeout.TotalMinutes} minutes");
                return;
            }
        }
    }

    /// <summary>
    /// The checks, into <paramref name="result"/>. <paramref name="logCheckable"/> says which succeeded runs of the
    /// numbered jobs have their stdout compared line by line (all, unless a fault made losing lines the job's own fate).
    /// </summary>
    public static async Task CheckAsync(Func<DbConnection> connect, ChaosWorkload workload, ApiClient api, JsonObject result, Func<RunView, bool>? logCheckable = null)
    {
        var runs = await ReadRunsAsync(connect);
        var attempts = (await ReadAttemptsAsync(connect)).ToLookup(a => a.RunId);
        var ledger = ChaosLedger.Read(workload.Ledger);
        var consistent = 0;
        var mismatches = 0;
        var rerun = 0;
        var shown = 0;
        foreach (var run in runs)
        {
            var own = attempts[run.Id].OrderBy(a => a.Number).ToList();
            var bad = own.Count(a => !Agrees(a, ledger));
            mismatches += bad;
            var settled = Terminal.Contains(run.Status) && (own.Count == 0 || own[^1].Status == run.Status);
            if (settled && bad == 0)
            {
                consistent++;
            }
            else if (shown++ < ProblemsShown)
            {
                var detail = string.Join(", ", own.Select(a => $"#{a.Number} {a.Status} exit {a.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}"
                    + $" (script: {(ledger.Ends.TryGetValue(a.Marker, out var code) ? $"exit {code}" : ledger.Starts.ContainsKey(a.Marker) ? "no end" : "never started")})"));
                await Console.Error.WriteLineAsync($"chaos: run {run.Id} of job {run.JobId} is {run.Status}; attempts: {detail}");
            }

            if (own.Any(a => a.Status == "Interrupted"))
            {
                rerun++;
            }
        }

        var markers = attempts.SelectMany(g => g).Select(a => a.Marker).ToHashSet();
        result["runs_checked"] = runs.Count;
        result["runs_one_terminal_state"] = consistent;
        result["runs_not_ended"] = runs.Count(r => !Terminal.Contains(r.Status));
        result["attempt_outcomes_not_what_the_job_did"] = mismatches;
        result["attempts_started_twice"] = ledger.Starts.Count(s => s.Value.Count > 1);
        result["scripts_started_without_attempt"] = ledger.Starts.Keys.Count(m => !markers.Contains(m));
        result["fires_run_twice"] = await ScalarAsync(connect, DuplicateFires);
        result["runs_with_interrupted_attempt"] = rerun;
        result["runs_with_unplanned_second_attempt"] = runs.Count(r => !workload.Retrying.Contains(r.JobId) && attempts[r.Id].Count() > 1);
        result["orphan_processes"] = OrphanProcesses(markers);
        await CheckLogsAsync(api, workload, runs, attempts, result, logCheckable ?? (_ => true));
    }

    /// <summary><c>PRAGMA integrity_check</c> of every SQLite database in the directory: "ok", or what it found.</summary>
    public static string IntegrityCheck(string directory)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.db"))
        {
            using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            var answer = (string)command.ExecuteScalar()!;
            if (answer != "ok")
            {
                found.Add($"{Path.GetFileName(file)}: {answer}");
            }
        }

        return found.Count == 0 ? "ok" : string.Join("; ", found);
    }

    private const string DuplicateFires =
        "SELECT COUNT(*) FROM (SELECT r.\"JobId\", q.\"RequestedAt\" FROM run_requests q JOIN runs r ON r.\"Id\" = q.\"RunId\" "
        + "WHERE q.\"Trigger\" = 'Schedule' GROUP BY r.\"JobId\", q.\"RequestedAt\" HAVING COUNT(*) > 1) d";

    /// <summary>Whether the attempt's stored outcome is what its script did, as the ledger tells.</summary>
    private static bool Agrees(AttemptRow attempt, ChaosLedger ledger)
    {
        if (ledger.Ends.TryGetValue(attempt.Marker, out var status))
        {
            return attempt.ExitCode == status && attempt.Status == (status == 0 ? "Succeeded" : "Failed");
        }

        // Started and never ended (killed), or never started: anything but an outcome the script did not produce.
        return attempt.Status is not ("Succeeded" or "Failed") || (attempt.Status == "Failed" && attempt.ExitCode is null or > 128);
    }

    private static async Task CheckLogsAsync(
        ApiClient api, ChaosWorkload workload, IReadOnlyList<RunRow> runs, ILookup<long, AttemptRow> attempts, JsonObject result, Func<RunView, bool> logCheckable)
    {
        var (checkedRuns, skipped, lost, duplicated, disordered) = (0, 0, 0L, 0L, 0);
        foreach (var run in runs.Where(r => r.Status == "Succeeded" && workload.NumberedLines.ContainsKey(r.JobId)))
        {
            if (!logCheckable(await api.GetRunAsync(run.Id)))
            {
                skipped++;
                continue;
            }

            var attempt = attempts[run.Id].OrderBy(a => a.Number).Last();
            var expected = ChaosWorkload.ExpectedStdout(attempt.Marker, workload.NumberedLines[run.JobId]).ToList();
            var stored = new List<string>(expected.Count);
            await api.ReadLogAsync(run.Id, "stdout", stored.Add, attempt.Number);
            var counts = stored.CountBy(l => l).ToDictionary();
            var wanted = expected.ToHashSet();
            lost += expected.Count(e => !counts.ContainsKey(e));
            duplicated += counts.Sum(c => wanted.Contains(c.Key) ? c.Value - 1 : c.Value);
            disordered += stored.SequenceEqual(expected) ? 0 : 1;
            checkedRuns++;
        }

        result["log_runs_checked"] = checkedRuns;
        if (skipped > 0)
        {
            result["log_runs_not_checked"] = skipped;
        }

        result["log_lines_lost"] = lost;
        result["log_lines_duplicated"] = duplicated;
        result["logs_not_exactly_in_order"] = disordered;
    }

    /// <summary>Live processes whose environment carries the marker of one of the series' attempts (all of which have ended).</summary>
    private static int OrphanProcesses(IReadOnlySet<string> markers)
    {
        var found = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0');
                var marker = environment.FirstOrDefault(v => v.StartsWith("ETLWEB_ATTEMPT=", StringComparison.Ordinal));
                if (marker is not null && markers.Contains(marker["ETLWEB_ATTEMPT=".Length..]))
                {
                    found++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    private static async Task<List<RunRow>> ReadRunsAsync(Func<DbConnection> connect) =>
        await QueryAsync(connect, "SELECT \"Id\", \"JobId\", \"Status\" FROM runs", r => new RunRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2)));

    private static async Task<List<AttemptRow>> ReadAttemptsAsync(Func<DbConnection> connect) =>
        await QueryAsync(connect, "SELECT \"RunId\", \"Number\", \"Status\", \"ExitCode\", \"Marker\" FROM attempts",
            r => new AttemptRow(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetString(4)));

    private static async Task<List<T>> QueryAsync<T>(Func<DbConnection> connect, string sql, Func<DbDataReader, T> read)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static async Task<long> ScalarAsync(Func<DbConnection> connect, string sql) =>
        (await QueryAsync(connect, sql, r => r.GetInt64(0)))[0];

    private sealed record RunRow(long Id, int JobId, string Status);

    private sealed record AttemptRow(long RunId, int Number, string Status, int? ExitCode, string Marker);
}
