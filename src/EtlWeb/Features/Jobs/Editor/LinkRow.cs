using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>One upstream link as the Dependencies tab edits it: its kind ("success", "failure", "always") and condition.</summary>
public sealed class LinkRow
{
    public string When { get; set; } = JobText.Of(LinkKind.Success);

    public string Condition { get; set; } = "";

    public static LinkRow From(DependencyDocument document) => new()
    {
        When = document.When ?? JobText.Of(LinkKind.Success),
        Condition = document.Condition ?? "",
    };

    public DependencyDocument ToDocument(string job) => new()
    {
        Job = job,
        When = When == JobText.Of(LinkKind.Success) ? null : When,
        Condition = string.IsNullOrWhiteSpace(Condition) ? null : Condition.Trim(),
    };

    /// <summary>How the Dependencies tab and the designer name a kind.</summary>
    public static string Title(string when) => when switch
    {
        "failure" => "On failure",
        "always" => "Always",
        _ => "On success",
    };
}
