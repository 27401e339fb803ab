using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Templates;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Templates;

/// <summary>What a delete of a template came to.</summary>
public enum TemplateRemoval
{
    Deleted,
    Missing,
    Shipped,
}

/// <summary>
/// The templates: those shipped with EtlWeb and those saved by users (from a template document, or from existing jobs
/// with <c>job_ids</c>). Saving and deleting need Admin and are audited.
/// </summary>
public sealed class TemplateCatalog(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, CurrentActor actors, AuditLog audit)
{
    /// <summary>Every template, shipped ones first, each group by name.</summary>
    public async Task<IReadOnlyList<TemplateDocument>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var saved = await db.JobTemplates.AsNoTracking().OrderBy(t => t.Name).Select(t => t.Body).ToListAsync(cancellationToken);
        return [.. ShippedTemplates.All, .. saved.Select(Read)];
    }

    public async Task<TemplateDocument?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (ShippedTemplates.Find(name) is { } shipped)
        {
            return shipped;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var body = await db.JobTemplates.AsNoTracking().Where(t => t.Name == name).Select(t => t.Body).FirstOrDefaultAsync(cancellationToken);
        return body is null ? null : Read(body);
    }

    /// <summary>
    /// Saves a template given with its jobs, or made of the jobs <see cref="TemplateDocument.JobIds"/> names; the saved
    /// template (with notes on what a save from jobs left out), or the errors by field.
    /// </summary>
    public async Task<(TemplateDocument? Saved, ValidationErrors Errors)> SaveAsync(TemplateDocument request, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "save templates");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (template, errors) = request.JobIds is null ? Given(request) : await CaptureAsync(db, request, cancellationToken);
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        errors = TemplateRules.Check(template);
        var name = template.Name!;
        if (ShippedTemplates.Find(name) is { } shipped)
        {
            errors.Add("name", $"'{shipped.Name}' is a template shipped with EtlWeb; choose another name.");
        }
        else if (await db.JobTemplates.AnyAsync(t => t.Name == name, cancellationToken))
        {
            errors.Add("name", $"A template named '{name}' already exists; delete it first to save another under its name.");
        }

        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        var stored = template with { Shipped = false, Notes = null };
        db.JobTemplates.Add(new JobTemplate
        {
            Name = name, Body = JsonSerializer.Serialize(stored, TemplateRules.Json), CreatedBy = actors.Value?.Name ?? "", CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            errors.Add("name", $"A template named '{name}' already exists; delete it first to save another under its name.");
            return (null, errors);
        }

        var jobs = string.Join(", ", stored.Jobs!.Select(j => j!.Name));
        await audit.RecordAsync(AuditActions.TemplateSaved, name, $"jobs: {jobs}", cancellationToken);
        return (template, errors);
    }

    public async Task<TemplateRemoval> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "delete templates");
        if (ShippedTemplates.Find(name) is not null)
        {
            return TemplateRemoval.Shipped;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.JobTemplates.Where(t => t.Name == name).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return TemplateRemoval.Missing;
        }

        await audit.RecordAsync(AuditActions.TemplateDeleted, name, "", cancellationToken);
        return TemplateRemoval.Deleted;
    }

    private static TemplateDocument Read(string body) => JsonSerializer.Deserialize<TemplateDocument>(body, TemplateRules.Json)!;

    private static (TemplateDocument, ValidationErrors) Given(TemplateDocument request)
    {
        var errors = new ValidationErrors();
        var placeholders = request.Placeholders ?? [];
        for (var index = 0; index < placeholders.Count; index++)
        {
            if (placeholders[index]?.Replaces is not null)
            {
                errors.Add($"placeholders[{index}].replaces", "replaces is read when the template is made of existing jobs (job_ids); here the jobs already use {{ name }}.");
            }
        }

        return (request with { Shipped = false, Notes = null }, errors);
    }

    /// <summary>The template made of the jobs <c>job_ids</c> names, as they are stored now (secret values left out).</summary>
    private static async Task<(TemplateDocument, ValidationErrors)> CaptureAsync(EtlDbContext db, TemplateDocument request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Jobs is not null)
        {
            errors.Add("job_ids", "Give the template's jobs either as documents (jobs) or as ids of existing jobs (job_ids), not both.");
        }

        var ids = request.JobIds!.Distinct().ToList();
        if (ids.Count == 0)
        {
            errors.Add("job_ids", "Choose at least one job.");
        }

        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        for (var index = 0; index < request.JobIds!.Count; index++)
        {
            if (!jobs.ContainsKey(request.JobIds[index]))
            {
                errors.Add($"job_ids[{index}]", $"There is no job with id {request.JobIds[index]}.");
            }
        }

        if (!errors.IsEmpty)
        {
            return (request, errors);
        }

        var edges = await db.Dependencies.AsNoTracking().Where(d => ids.Contains(d.DownstreamJobId))
            .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { d.DownstreamJobId, Link = new DependencyLink(j.Name, d.When, d.Condition) })
            .ToListAsync(cancellationToken);
        var upstreams = edges.ToLookup(e => e.DownstreamJobId, e => e.Link);
        return TemplateCapture.From(request, [.. ids.Select(id => JobDocumentMapper.ToDocument(jobs[id], upstreams[id]))]);
    }
}
