using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Webhooks;

public enum HookResult
{
    UnknownToken,
    JobDisabled,
    BadInput,
    Started,
}

/// <summary>What a webhook call did: the job's run when it started one, or why the body was refused.</summary>
public sealed record HookOutcome(HookResult Result, Run? Run = null, string? Error = null);

/// <summary>
/// Starts a job's pipeline for a webhook call, as a manual trigger would, with the body's variables given to the
/// job's own run only. The token is the credential, so no role is asked of the caller.
/// </summary>
public sealed class WebhookTrigger(
    IDbContextFactory<EtlDbContext> dbFactory, WebhookTokens tokens, RunEngine engine, AuditLog audit, CurrentActor actors, TimeProvider time)
{
    /// <summary>The caller as the audit log names it: whoever holds the token, seen from its address.</summary>
    public const string ActorName = "webhook";

    /// <summary>
    /// Checks the token before the body, so an unknown token is answered alike whatever was sent; a job that is gone or
    /// disabled starts nothing. A valid token makes its holder an actor that may run this job, as an Operator may.
    /// </summary>
    public async Task<HookOutcome> TriggerAsync(string token, HookInput input, string? address, CancellationToken cancellationToken = default)
    {
        if (await tokens.FindJobAsync(token, cancellationToken) is not { } jobId)
        {
            return new HookOutcome(HookResult.UnknownToken);
        }

        if (input.Error is { } error)
        {
            return new HookOutcome(HookResult.BadInput, Error: error);
        }

        Job? job;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        }

        if (job is null)
        {
            return new HookOutcome(HookResult.UnknownToken);
        }

        if (!job.Enabled)
        {
            return new HookOutcome(HookResult.JobDisabled, Error: $"Job '{job.Name}' is disabled; enable it to run it.");
        }

        // The body's keys named like a declared parameter fill it; every key still becomes an ETL_HOOK_* variable.
        var declared = job.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var parameters = input.Keys.Where(k => declared.Contains(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (RunInputs.Resolve(job, parameters, now).Errors is { IsEmpty: false } errors)
        {
            return new HookOutcome(HookResult.BadInput, Error: errors.ToString());
        }

        var name = job.Name;
        var caller = new Actor(ActorName, EtlRoles.Operator, address);
        using var acting = actors.Enter(caller);
        // A secret parameter's value is stored sealed with the run; its ETL_HOOK_* copy would sit in the run's snapshot in clear.
        var secretKeys = job.Parameters.Where(p => p.Secret).Select(p => HookVariables.NameOf(p.Name)).ToHashSet(StringComparer.Ordinal);
        var variables = secretKeys.Count == 0 ? input.Variables
            : input.Variables.Where(v => !secretKeys.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var runs = await engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Webhook, Variables: variables, Params: parameters)], cancellationToken);
        var passed = variables.Count == 0 ? "no variables" : "variables " + string.Join(", ", variables.Keys.Order(StringComparer.Ordinal));
        await audit.RecordAsync(caller, AuditActions.WebhookRun, name, $"run {runs[0]?.Id}, {passed}", cancellationToken);
        return runs[0] is { } run ? new HookOutcome(HookResult.Started, run) : new HookOutcome(HookResult.UnknownToken);
    }
}
