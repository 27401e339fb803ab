using System.Text.Json;
using EtlWeb.Core.Parameters;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>One parameter declaration as the Parameters tab edits it; the choices as one comma-separated line.</summary>
public sealed class ParameterRow
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "text";

    public string Default { get; set; } = "";

    public bool Required { get; set; }

    public bool Secret { get; set; }

    public string Description { get; set; } = "";

    public string Choices { get; set; } = "";

    public static ParameterRow From(ParameterDocument document) => new()
    {
        Name = document.Name ?? "",
        Type = document.Type ?? "text",
        Default = document.Default is { ValueKind: JsonValueKind.String } text ? text.GetString()! : document.Default?.GetRawText() ?? "",
        Required = document.Required ?? false,
        Secret = document.Secret ?? false,
        Description = document.Description ?? "",
        Choices = string.Join(", ", document.Choices ?? []),
    };

    public ParameterDocument ToDocument() => new()
    {
        Name = Name,
        Type = Type,
        Default = JsonSerializer.SerializeToElement(Default),
        Required = Required,
        Secret = Secret,
        Description = Description,
        Choices = Type == "choice" ? [.. Choices.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : [],
    };
}
