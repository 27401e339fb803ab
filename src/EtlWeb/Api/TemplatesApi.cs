using EtlWeb.Core.Templates;
using EtlWeb.Features.Templates;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class TemplatesApi
{
    public static void MapTemplatesApi(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates").WithTags("Templates");

        templates.MapGet("/", async (TemplateCatalog catalog, CancellationToken ct) => Results.Ok(await catalog.ListAsync(ct)))
            .WithSummary("Every template, shipped ones (shipped: true, read-only) first, each with its placeholders and jobs.")
            .Produces<IReadOnlyList<TemplateDocument>>();

        templates.MapGet("/{name}", async (string name, TemplateCatalog catalog, CancellationToken ct) =>
                await catalog.GetAsync(name, ct) is { } template ? Results.Ok(template) : NotFound(name))
            .WithSummary("Read one template.")
            .Produces<TemplateDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        templates.MapPost("/", async (HttpRequest request, TemplateCatalog catalog, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<TemplateDocument>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                var (saved, errors) = await catalog.SaveAsync(body!, ct);
                return saved is null ? Results.ValidationProblem(errors.ToDictionary()) : Results.Created($"/api/templates/{Uri.EscapeDataString(saved.Name!)}", saved);
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Save a template: with its jobs (job documents whose text uses {{ placeholder }}), or made of existing jobs (job_ids, each placeholder's "
                + "replaces text becoming {{ name }}; links to other jobs and secret values left out, as notes says). Audited.")
            .Accepts<TemplateDocument>("application/json")
            .Produces<TemplateDocument>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        templates.MapDelete("/{name}", async (string name, TemplateCatalog catalog, CancellationToken ct) => await catalog.DeleteAsync(name, ct) switch
            {
                TemplateRemoval.Deleted => Results.NoContent(),
                TemplateRemoval.Shipped => Results.Problem($"'{name}' is shipped with EtlWeb and cannot be deleted.", statusCode: StatusCodes.Status409Conflict),
                _ => NotFound(name),
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Delete a saved template (a shipped one cannot be: 409). Jobs created from it stay. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        templates.MapPost("/{name}/instantiate", async (string name, HttpRequest request, TemplateInstantiator instantiator, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadOptionalAsync<InstantiateRequest>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                return await instantiator.CreateAsync(name, body ?? new InstantiateRequest(), ct) switch
                {
                    null => NotFound(name),
                    ({ } instance, _) => Results.Created($"/api/jobs/{instance.Jobs[0].Id}", instance),
                    (_, var errors) => Results.ValidationProblem(errors.ToDictionary()),
                };
            })
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Create the template's jobs and their links in a folder, all or nothing: {\"folder\", \"values\": {placeholder: value}}; a placeholder "
                + "left out takes its default. 400 naming values.NAME, folder or jobs[N].FIELD (a name already taken). Audited.")
            .Accepts<InstantiateRequest>("application/json")
            .Produces<TemplateInstance>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult NotFound(string name) =>
        Results.Problem($"There is no template named '{name}'.", statusCode: StatusCodes.Status404NotFound);
}
