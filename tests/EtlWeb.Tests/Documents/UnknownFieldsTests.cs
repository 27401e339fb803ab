using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EtlWeb.Core.Documents;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Documents;

public sealed class UnknownFieldsTests
{
    private sealed record Step([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("retries")] int? Retries);

    private sealed record Plan(
        [property: JsonPropertyName("title")] string? Title,
        [property: JsonPropertyName("steps")] IReadOnlyList<Step>? Steps,
        [property: JsonPropertyName("first")] Step? First,
        [property: JsonPropertyName("labels")] Dictionary<string, string>? Labels,
        [property: JsonPropertyName("raw")] JsonElement? Raw);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static IReadOnlyList<UnknownField> Find<T>(string json, JsonSerializerOptions? options = null)
    {
        using var document = JsonDocument.Parse(json);
        return UnknownFields.Find(document.RootElement, typeof(T), options ?? JsonSerializerOptions.Default);
    }

    [Fact]
    public void A_document_of_known_fields_has_none_unknown_at_any_depth()
    {
        var found = Find<Plan>("""
            {"title": "t", "steps": [{"name": "a", "retries": 1}], "first": {"name": "b"},
             "labels": {"anything": "goes"}, "raw": {"free": {"form": 1}}}
            """);

        Assert.Empty(found);
    }

    [Fact]
    public void Unknown_fields_are_found_in_nested_objects_and_array_items_by_path()
    {
        var found = Find<Plan>("""{"titel": "t", "steps": [{"name": "a"}, {"name": "b", "retrys": 2}], "first": {"colour": "red"}}""");

        Assert.Equal(
            [
                new UnknownField("titel", "Unknown field 'titel'. Did you mean 'title'?"),
                new UnknownField("steps[1].retrys", "Unknown field 'retrys'. Did you mean 'retries'?"),
                new UnknownField("first.colour", "Unknown field 'colour'."),
            ],
            found);
    }

    [Fact]
    public void The_serializer_case_rule_decides_whether_a_differently_cased_name_is_known()
    {
        Assert.Single(Find<Step>("""{"Name": "a"}"""));
        Assert.Empty(Find<Step>("""{"Name": "a"}""", Web));
    }

    [Fact]
    public void The_job_document_knows_the_desktop_names_and_not_its_extension_data_property()
    {
        Assert.Empty(Find<JobDocument>("""{"name": "x", "working_dir": "/srv", "timeout": 5, "retry_delay": 1, "email": "a@b.c", "env_vars": "{}"}"""));
        Assert.Equal(["Extra", "created_at"], Find<JobDocument>("""{"Extra": {}, "created_at": "2025-01-01"}""").Select(u => u.Path));
    }

    [Theory]
    [InlineData("notify_on_sucess", "notify_on_success")]
    [InlineData("cron_expresion", "cron_expression")]
    [InlineData("Interval_Minutes", "interval_minutes")]
    [InlineData("timeout_second", "timeout_seconds")]
    public void A_typo_is_matched_to_the_field_it_meant(string typo, string meant) =>
        Assert.Equal(meant, FieldSuggestion.Closest(typo, typeof(JobFields).GetFields().Select(f => (string)f.GetValue(null)!)));

    [Theory]
    [InlineData("disk_quota_gb")]
    [InlineData("x")]
    [InlineData("owner")]
    public void A_name_unlike_every_field_gets_no_suggestion(string unknown) =>
        Assert.Null(FieldSuggestion.Closest(unknown, typeof(JobFields).GetFields().Select(f => (string)f.GetValue(null)!)));
}
