using System.Text.Json;
using EtlWeb.Core.Templates;

namespace EtlWeb.Features.Templates;

/// <summary>
/// The templates EtlWeb ships: JSON files under <c>Features/Templates/Shipped</c>, embedded in the assembly. They are
/// read-only; a saved template may not take one of their names.
/// </summary>
public static class ShippedTemplates
{
    private const string Prefix = "templates/";

    private static readonly Lazy<IReadOnlyList<TemplateDocument>> Loaded = new(Load);

    public static IReadOnlyList<TemplateDocument> All => Loaded.Value;

    public static TemplateDocument? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    private static List<TemplateDocument> Load()
    {
        var assembly = typeof(ShippedTemplates).Assembly;
        var templates = new List<TemplateDocument>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var template = JsonSerializer.Deserialize<TemplateDocument>(stream, TemplateRules.Json)!;
            // A shipped template that does not check is a defect of the build, found by the tests; it is never offered.
            if (TemplateRules.Check(template) is { IsEmpty: false } errors)
            {
                throw new InvalidOperationException($"The shipped template {resource} is not valid: {errors}");
            }

            templates.Add(template with { Shipped = true });
        }

        return [.. templates.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase)];
    }
}
