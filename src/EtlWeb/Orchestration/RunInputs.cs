using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Parameters;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using Microsoft.AspNetCore.DataProtection;

namespace EtlWeb.Orchestration;

/// <summary>
/// A run's inputs: its parameter values resolved from the given ones and the job's defaults at its logical date
/// (<see cref="ParameterRules"/>), stored with the secret ones encrypted, and handed to its process as variables.
/// </summary>
public sealed class RunInputs(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("EtlWeb.Runs.SecretParams.v1");

    /// <summary>The zone a job's dates are read and shown in: its schedule's zone (the server's when it has none).</summary>
    public static TimeZoneInfo ZoneOf(Job job) => CronSchedule.TryResolveZone(job.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public static ParameterResolution Resolve(Job job, IReadOnlyDictionary<string, JsonElement>? given, DateTimeOffset logicalDate) =>
        ParameterRules.Resolve(job.Parameters, given, logicalDate, ZoneOf(job));

    public StoredParams Store(IReadOnlyList<ResolvedParameter> values) => RunParameters.Store(values, _protector.Protect);

    /// <summary>The values a run was given, secret ones opened: what a run "with the same parameters" is given.</summary>
    public Dictionary<string, JsonElement> GivenOf(Run run) => GivenOf(run.Params, run.SealedParams);

    public Dictionary<string, JsonElement> GivenOf(string clear, string? sealedValues) => RunParameters.Given(clear, sealedValues, _protector.Unprotect);

    /// <summary>
    /// Adds the run's <c>ETL_PARAM_*</c> variables and <c>ETL_LOGICAL_DATE</c> to the job an attempt runs, the secret
    /// ones marked secret so that the log masks their values. They win over job variables of the same names.
    /// </summary>
    public void AddTo(Job job, Run run)
    {
        var (variables, secretNames) = RunParameters.Variables(
            run.Params, run.SealedParams, _protector.Unprotect, ParameterRules.LogicalDateText(run.LogicalDate, ZoneOf(job)));
        foreach (var (name, value) in variables)
        {
            job.Environment[name] = value;
        }

        job.SecretEnvironment = [.. job.SecretEnvironment.Union(secretNames, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A downstream run's parameters named like an upstream output take its value over their default; null, or why an
    /// output does not fit its parameter (the attempt then fails with that reason).
    /// </summary>
    public string? FillFromOutputs(Run run, IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>> upstream)
    {
        if (upstream.Count == 0)
        {
            return null;
        }

        var job = JobSnapshot.Read(run.DefinitionSnapshot);
        var fromOutputs = AttemptOutputs.ForParameters(job.Parameters.Select(p => p.Name), upstream);
        if (fromOutputs.Count == 0)
        {
            return null;
        }

        var given = GivenOf(run);
        foreach (var (name, value) in fromOutputs)
        {
            given[name] = value;
        }

        var resolution = Resolve(job, given, run.LogicalDate);
        if (!resolution.Errors.IsEmpty)
        {
            return $"An upstream output does not fit its parameter: {resolution.Errors}";
        }

        run.TakeParams(Store(resolution.Values));
        return null;
    }
}
