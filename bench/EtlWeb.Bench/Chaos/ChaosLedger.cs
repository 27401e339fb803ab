using System.Globalization;

namespace EtlWeb.Bench.Chaos;

/// <summary>What the workload's scripts wrote to the ledger: each attempt's starts (Unix nanoseconds) and its exit status.</summary>
public sealed class ChaosLedger
{
    private ChaosLedger(Dictionary<string, List<long>> starts, Dictionary<string, int> ends)
    {
        Starts = starts;
        Ends = ends;
    }

    /// <summary>Marker to the times its script started; more than one is an attempt started twice.</summary>
    public IReadOnlyDictionary<string, List<long>> Starts { get; }

    /// <summary>Marker to the exit status its script recorded.</summary>
    public IReadOnlyDictionary<string, int> Ends { get; }

    public static ChaosLedger Read(string path)
    {
        var starts = new Dictionary<string, List<long>>();
        var ends = new Dictionary<string, int>();
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(' ');
            if (fields is ["start", var marker, var at] && long.TryParse(at, CultureInfo.InvariantCulture, out var nanoseconds))
            {
                if (!starts.TryGetValue(marker, out var list))
                {
                    starts[marker] = list = [];
                }

                list.Add(nanoseconds);
            }
            else if (fields is ["end", var ended, var status] && int.TryParse(status, CultureInfo.InvariantCulture, out var code))
            {
                ends[ended] = code;
            }
        }

        return new ChaosLedger(starts, ends);
    }

    /// <summary>The first start at or after <paramref name="since"/>, if any.</summary>
    public DateTimeOffset? FirstStartAfter(DateTimeOffset since)
    {
        var from = (since - DateTimeOffset.UnixEpoch).Ticks * 100;
        var first = Starts.Values.SelectMany(s => s).Where(s => s >= from).DefaultIfEmpty(long.MaxValue).Min();
        return first == long.MaxValue ? null : DateTimeOffset.UnixEpoch.AddTicks(first / 100);
    }
}
