using System.Globalization;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Chaos;

/// <summary>
/// The mixed workload the faults hit: a short job every second, a long job printing a numbered line every 100 ms,
/// a job failing a third of its attempts with two retries, a pipeline of three, and a job flooding 100,000 numbered
/// lines. Every job's script first appends <c>start MARKER NANOSECONDS</c> and last <c>end MARKER STATUS</c> to a
/// ledger outside EtlWeb's data directory (MARKER: the attempt's ETLWEB_ATTEMPT), and prints <c>attempt MARKER</c>
/// as its first line; the numbered jobs then print 1..N, one number per line.
/// </summary>
public sealed class ChaosWorkload
{
    public const int LongLines = 200;
    public const int FloodLines = 100_000;

    private ChaosWorkload(string ledger, IReadOnlyDictionary<int, int> numbered, IReadOnlyList<int> jobs, IReadOnlySet<int> retrying)
    {
        Ledger = ledger;
        NumberedLines = numbered;
        Jobs = jobs;
        Retrying = retrying;
    }

    public string Ledger { get; }

    /// <summary>The jobs whose stdout is checked line by line: job id to the count of numbered lines.</summary>
    public IReadOnlyDictionary<int, int> NumberedLines { get; }

    public IReadOnlyList<int> Jobs { get; }

    /// <summary>The jobs that fail on purpose and retry; any other job's run should have one attempt.</summary>
    public IReadOnlySet<int> Retrying { get; }

    /// <summary>Creates the jobs through the API; the ledger file is created empty.</summary>
    public static async Task<ChaosWorkload> CreateAsync(ApiClient api, string ledger, string prefix = "")
    {
        await File.WriteAllTextAsync(ledger, "");
        var jobs = new List<int>();
        var numbered = new Dictionary<int, int>();
        var retrying = new HashSet<int>();

        jobs.Add(await api.CreateShellJobAsync(prefix + "tick", Wrap(ledger, "true"), Cron("* * * * * *")));

        var longJob = Cron("*/15 * * * * *");
        longJob["overlap_policy"] = "allow";
        var id = await api.CreateShellJobAsync(prefix + "long", Wrap(ledger, $"for i in $(seq 1 {LongLines}); do echo $i; sleep 0.1; done"), longJob);
        jobs.Add(id);
        numbered[id] = LongLines;

        var flaky = Cron("*/5 * * * * *");
        flaky["max_retries"] = 2;
        flaky["retry_delay_seconds"] = 1;
        id = await api.CreateShellJobAsync(prefix + "flaky", Wrap(ledger, "sleep 1; [ $(( $(od -An -N1 -tu1 /dev/urandom) % 3 )) != 0 ]"), flaky);
        jobs.Add(id);
        retrying.Add(id);

        jobs.Add(await api.CreateShellJobAsync(prefix + "extract", Wrap(ledger, "sleep 1"), Cron("*/10 * * * * *")));
        jobs.Add(await api.CreateShellJobAsync(prefix + "transform", Wrap(ledger, "sleep 1"), new Dictionary<string, object> { ["dependencies"] = new[] { prefix + "extract" } }));
        jobs.Add(await api.CreateShellJobAsync(prefix + "load", Wrap(ledger, "sleep 1"), new Dictionary<string, object> { ["dependencies"] = new[] { prefix + "transform" } }));

        id = await api.CreateShellJobAsync(prefix + "flood", Wrap(ledger, $"seq 1 {FloodLines}"), Cron("*/30 * * * * *"));
        jobs.Add(id);
        numbered[id] = FloodLines;
        return new ChaosWorkload(ledger, numbered, jobs, retrying);
    }

    /// <summary>Stops the schedules; runs already started go on to their end.</summary>
    public async Task DisableAsync(ApiClient api)
    {
        foreach (var job in Jobs)
        {
            await api.PostAsync($"/api/jobs/{job}/disable");
        }
    }

    /// <summary>The first line a numbered job's stdout should hold, then 1..N.</summary>
    public static IEnumerable<string> ExpectedStdout(string marker, int lines) =>
        [$"attempt {marker}", .. Enumerable.Range(1, lines).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static string Wrap(string ledger, string body) =>
        $"m=$ETLWEB_ATTEMPT; echo \"start $m $(date +%s%N)\" >> {ledger}; echo \"attempt $m\"; ( {body} ); s=$?; echo \"end $m $s\" >> {ledger}; exit $s";

    private static Dictionary<string, object> Cron(string expression) => new() { ["schedule_type"] = "cron", ["cron_expression"] = expression };
}
