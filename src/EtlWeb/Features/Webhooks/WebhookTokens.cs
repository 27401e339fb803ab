using System.Buffers.Text;
using System.Security.Cryptography;
using EtlWeb.Data;
using EtlWeb.Features.Security;
using EtlWeb.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Webhooks;

/// <summary>Creates, rotates, removes, reveals and looks up jobs' webhook tokens (opt-in per job, ADR 0007).</summary>
public sealed class WebhookTokens(
    IDbContextFactory<EtlDbContext> dbFactory,
    IDataProtectionProvider protection,
    CurrentActor actors,
    AuditLog audit,
    TimeProvider time,
    Realtime.JobChangeFeed changes)
{
    public const string Scheme = "whk_";

    private readonly IDataProtector _protector = protection.CreateProtector("EtlWeb.Webhooks.Token.v1");

    /// <summary>Gives the job a new token, which replaces (and at once invalidates) any earlier one; null when there is no such job.</summary>
    public async Task<string?> CreateAsync(int jobId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "create or rotate webhooks");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.Where(j => j.Id == jobId).Select(j => new { j.Name, j.Folder }).FirstOrDefaultAsync(cancellationToken) is not { } job)
        {
            return null;
        }

        actors.Demand(EtlRoles.Operator, "create or rotate webhooks", job.Folder);
        var name = job.Name;

        var token = Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var webhook = await db.JobWebhooks.FirstOrDefaultAsync(w => w.JobId == jobId, cancellationToken);
        var rotated = webhook is not null;
        if (webhook is null)
        {
            webhook = new JobWebhook { JobId = jobId };
            db.JobWebhooks.Add(webhook);
        }

        webhook.TokenHash = ApiTokens.Hash(token);
        webhook.ProtectedToken = _protector.Protect(token);
        webhook.CreatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        // The job's document carries its token: the catalogue in memory reads the job again.
        changes.Publish(jobId);
        await audit.RecordAsync(rotated ? AuditActions.WebhookRotated : AuditActions.WebhookCreated, name, $"job {jobId}", cancellationToken);
        return token;
    }

    /// <summary>Removes the job's webhook, if it has one; false when there is no such job.</summary>
    public async Task<bool> RemoveAsync(int jobId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "remove webhooks");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.Where(j => j.Id == jobId).Select(j => new { j.Name, j.Folder }).FirstOrDefaultAsync(cancellationToken) is not { } job)
        {
            return false;
        }

        actors.Demand(EtlRoles.Operator, "remove webhooks", job.Folder);
        var name = job.Name;

        if (await db.JobWebhooks.Where(w => w.JobId == jobId).ExecuteDeleteAsync(cancellationToken) > 0)
        {
            changes.Publish(jobId);
            await audit.RecordAsync(AuditActions.WebhookRemoved, name, $"job {jobId}", cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The clear tokens of the jobs (all jobs when <paramref name="jobId"/> is null) for an actor who may run jobs;
    /// nothing for a Viewer or for nobody, since a token lets its holder start runs. A token whose key is gone is left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, string>> RevealAsync(int? jobId, CancellationToken cancellationToken = default)
    {
        if (!EtlRoles.Allows(actors.Value?.Role, EtlRoles.Operator))
        {
            return new Dictionary<int, string>();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.JobWebhooks.AsNoTracking().Where(w => jobId == null || w.JobId == jobId)
            .Select(w => new { w.JobId, w.ProtectedToken }).ToListAsync(cancellationToken);
        var tokens = new Dictionary<int, string>();
        foreach (var webhook in stored)
        {
            if (Unprotect(webhook.ProtectedToken) is { } token)
            {
                tokens[webhook.JobId] = token;
            }
        }

        return tokens;
    }

    /// <summary>The job a token belongs to; null for an unknown, rotated or removed token.</summary>
    public async Task<int?> FindJobAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!token.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = ApiTokens.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.JobWebhooks.Where(w => w.TokenHash == hash).Select(w => (int?)w.JobId).FirstOrDefaultAsync(cancellationToken);
    }

    private string? Unprotect(string protectedToken)
    {
        try
        {
            return _protector.Unprotect(protectedToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
