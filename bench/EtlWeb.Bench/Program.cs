using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Bench.Scenarios;

var scenarios = new Dictionary<string, Func<string, JsonObject, Task>>
{
    ["dispatch"] = DispatchScenario.RunAsync,
    ["throughput"] = ThroughputScenario.RunAsync,
    ["log"] = LogScenario.RunAsync,
    ["idle"] = IdleScenario.RunAsync,
    ["punctuality"] = PunctualityScenario.RunAsync,
    ["dag"] = DagScenario.RunAsync,
    ["designer"] = DesignerScenario.RunAsync,
    ["scale-out"] = ScaleOutScenario.RunAsync,
    ["backfill"] = BackfillScenario.RunAsync,
    ["fires"] = FiresScenario.RunAsync,
    ["chaos"] = ChaosScenario.RunAsync,
    ["soak"] = SoakScenario.RunAsync,
    ["scale"] = ScaleScenario.RunAsync,
};

// "compare EARLIER NOW": two outputs of scripts/bench.sh side by side, one line per figure.
if (args is ["compare", var earlier, var now])
{
    foreach (var line in Comparison.Lines(await File.ReadAllLinesAsync(earlier), await File.ReadAllLinesAsync(now)))
    {
        Console.WriteLine(line);
    }

    return 0;
}

if (args.Length != 2 || !scenarios.TryGetValue(args[0], out var run))
{
    await Console.Error.WriteLineAsync($"usage: EtlWeb.Bench <{string.Join('|', scenarios.Keys)}> <fresh data directory>\n       EtlWeb.Bench compare <earlier results> <results>");
    return 2;
}

// One JSON object on stdout, whatever happens; progress and diagnostics go to stderr.
var result = new JsonObject { ["scenario"] = args[0] };
try
{
    await run(Path.GetFullPath(args[1]), result);
    Console.WriteLine(result.ToJsonString());
    return 0;
}
catch (Exception ex)
{
    result["error"] = ex.Message;
    Console.WriteLine(result.ToJsonString());
    await Console.Error.WriteLineAsync(ex.ToString());
    return 1;
}
