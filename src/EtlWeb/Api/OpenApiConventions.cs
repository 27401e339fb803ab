using EtlWeb.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace EtlWeb.Api;

/// <summary>
/// What holds for every route and is not repeated on each: how to sign in (a bearer token or the browser's cookie),
/// and the answers the authorization and body-reading layers give before a handler runs (401, 403, 400).
/// </summary>
internal static class OpenApiConventions
{
    private const string Bearer = "Bearer";
    private const string Cookie = "Cookie";

    public static void Apply(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "EtlWeb API";
            document.Info.Description = "Jobs, runs and their logs, schedules, import/export, webhooks, backups and users. "
                + "Send `Authorization: Bearer <token>` with an API token (user menu → API tokens); changes with a browser's cookie alone are refused.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (etl_...) or the bootstrap token from EtlWeb:Auth:BootstrapToken.",
            };
            document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = ".AspNetCore.Identity.Application",
                Description = "The sign-in cookie of the web UI; enough for reading only.",
            };
            return Task.CompletedTask;
        });

        // A dependency is read and written by its own converter: a job name, or an object when it says more.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { Name: Core.Jobs.JobFields.Dependencies } property && property.DeclaringType == typeof(Core.Jobs.JobDocument))
            {
                schema.Description = "The upstream jobs: each a name (runs on its success), or an object with the link's kind and condition.";
                schema.Items = new OpenApiSchema
                {
                    OneOf =
                    [
                        new OpenApiSchema { Type = JsonSchemaType.String, Description = "The upstream job's name." },
                        new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Required = new HashSet<string> { Core.Jobs.DependencyDocument.JobField },
                            Properties = new Dictionary<string, IOpenApiSchema>
                            {
                                [Core.Jobs.DependencyDocument.JobField] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The upstream job's name." },
                                [Core.Jobs.DependencyDocument.WhenField] = new OpenApiSchema
                                {
                                    Type = JsonSchemaType.String,
                                    Description = "success (default), failure (after it failed for good) or always.",
                                    Enum = [.. Enum.GetValues<Core.Jobs.LinkKind>().Select(k => (System.Text.Json.Nodes.JsonNode)Core.Jobs.JobText.Of(k))],
                                },
                                [Core.Jobs.DependencyDocument.ConditionField] = new OpenApiSchema
                                {
                                    Type = JsonSchemaType.String,
                                    Description = "An NCalc expression over the upstream's outputs, status, exit_code and attempts, e.g. rows > 0.",
                                },
                            },
                        },
                    ],
                };
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            operation.Responses ??= new OpenApiResponses();
            if (operation.RequestBody is not null)
            {
                Declare(operation, "400", "The body is not valid JSON, or not the shape this route takes (problem details name the line or field).");
            }

            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, context.Document)] = [] });
            Declare(operation, "401", "No valid token or sign-in cookie.");
            var policy = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
            Declare(operation, "403", policy switch
            {
                EtlPolicies.Administer => "The user is not an Admin, or a change was sent with a cookie and no token.",
                EtlPolicies.Operate => "The user is a Viewer, or a change was sent with a cookie and no token.",
                _ => "The user has no role, or a change was sent with a cookie and no token.",
            });
            return Task.CompletedTask;
        });
    }

    private static void Declare(OpenApiOperation operation, string status, string description) =>
        operation.Responses!.TryAdd(status, new OpenApiResponse { Description = description });
}
