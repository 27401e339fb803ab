using System.Text.Json;
using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Templates;
using EtlWeb.Data;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Templates;

/// <summary>A job created from a template.</summary>
public sealed record CreatedJob([property: JsonPropertyName("id")] int Id, [property: JsonPropertyName("name")] string Name);

/// <summary>The jobs a template made, in the template's order, and what is left to do (secret variables to set).</summary>
public sealed record TemplateInstance(
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("jobs")] IReadOnlyList<CreatedJob> Jobs,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes);

/// <summary>
/// Creates a template's jobs and their links in a folder: rendered with the placeholders' values, then created all or
/// nothing through the import's path (its checks, unique names, cycles, revisions). Audited with the template's name.
/// </summary>
public sealed class TemplateInstantiator(TemplateCatalog templates, JobImporter importer, IDbContextFactory<EtlDbContext> dbFactory, CurrentActor actors, AuditLog audit)
{
    /// <summary>The created jobs, or the errors by field (<c>folder</c>, <c>values.NAME</c>, <c>jobs[N].FIELD</c>); null when there is no such template.</summary>
    public async Task<(TemplateInstance? Instance, ValidationErrors Errors)?> CreateAsync(string name, InstantiateRequest request, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, "create jobs");
        if (await templates.GetAsync(name, cancellationToken) is not { } template)
        {
            return null;
        }

        var folder = FolderPath.Normalize(request.Folder);
        var errors = new ValidationErrors();
        if (FolderPath.Problem(folder) is { } problem)
        {
            errors.Add("folder", problem);
        }
        else
        {
            actors.Demand(EtlRoles.Admin, "create jobs", folder);
        }

        var (jobs, valueErrors) = TemplateRules.Render(template, request.Values ?? new Dictionary<string, string?>(), folder);
        errors.AddRange(valueErrors);
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        var report = await importer.CreateAllAsync(jobs, cancellationToken);
        if (report.HasErrors)
        {
            foreach (var message in report.Errors)
            {
                errors.Add("jobs", message);
            }

            foreach (var job in report.Jobs.Where(j => j.Errors is not null))
            {
                foreach (var (field, messages) in job.Errors!)
                {
                    Array.ForEach(messages, m => errors.Add($"jobs[{job.Index}].{field}", m));
                }
            }

            return (null, errors);
        }

        var names = jobs.Select(j => j.Name!).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.Jobs.Where(j => names.Contains(j.Name)).ToDictionaryAsync(j => j.Name, j => j.Id, cancellationToken);
        var created = names.Select(n => new CreatedJob(ids[n], n)).ToList();
        await audit.RecordAsync(AuditActions.TemplateUsed, template.Name!,
            $"{created.Count} job(s) in {(folder.Length == 0 ? "the root folder" : $"folder {folder}")}: {string.Join(", ", names)}", cancellationToken);
        return (new TemplateInstance(template.Name!, folder, created, [.. jobs.SelectMany(EmptySecrets)]), errors);
    }

    /// <summary>A secret variable has no value in a template: the job gets it empty, to be set in its editor.</summary>
    private static IEnumerable<string> EmptySecrets(JobDocument job)
    {
        var environment = job.Environment is { ValueKind: JsonValueKind.Object } value
            ? value.Deserialize<Dictionary<string, string?>>() ?? []
            : [];
        return (job.SecretEnvironment ?? []).Where(s => string.IsNullOrEmpty(environment.GetValueOrDefault(s)))
            .Select(s => $"The secret variable {s} of '{job.Name}' is empty: set its value in the job's editor (Execution tab) before it runs.");
    }
}
