using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Templates;
using EtlWeb.Features.Templates;

namespace EtlWeb.Tests.Templates;

/// <summary>Templates without a host: the checks by field, rendering with values, and a template made of jobs.</summary>
public sealed class TemplateRulesTests
{
    private static TemplateDocument Template(params JobDocument[] jobs) => new()
    {
        Name = "Sales load",
        Placeholders = [new PlaceholderDocument { Name = "table", Description = "the table to load" }],
        Jobs = jobs,
    };

    private static JobDocument Shell(string name, string command, params string[] dependencies) =>
        new() { Name = name, JobType = "shell", Command = command, Dependencies = [.. dependencies.Select(d => (DependencyDocument?)d)] };

    [Fact]
    public void A_placeholder_used_but_not_declared_is_refused_at_the_field_that_uses_it()
    {
        var errors = TemplateRules.Check(Template(Shell("Extract {{ table }}", "echo ok"), Shell("Load {{ table }}", "load {{ tabel }}")));

        var message = Assert.Single(errors.For("jobs[1].command"));
        Assert.StartsWith("'tabel' is not a placeholder of the template", message, StringComparison.Ordinal);
        Assert.Empty(errors.For("jobs[0].name"));
    }

    [Fact]
    public void A_placeholder_declared_and_unused_is_refused_at_its_name()
    {
        var template = Template(Shell("Extract", "echo {{ table }}")) with
        {
            Placeholders = [new PlaceholderDocument { Name = "table" }, new PlaceholderDocument { Name = "region" }],
        };

        var errors = TemplateRules.Check(template);

        Assert.Equal(["Placeholder 'region' is not used by any job; use it as {{ region }} or remove it."], errors.For("placeholders[1].name"));
        Assert.Empty(errors.For("placeholders[0].name"));
    }

    [Theory]
    [InlineData("2table", "placeholders[0].name")]
    [InlineData("my-table", "placeholders[0].name")]
    public void A_placeholder_name_that_is_not_an_identifier_is_refused(string name, string field)
    {
        var errors = TemplateRules.Check(Template(Shell("Extract", "echo ok")) with { Placeholders = [new PlaceholderDocument { Name = name }] });

        Assert.Contains($"'{name}' is not a placeholder name", Assert.Single(errors.For(field)), StringComparison.Ordinal);
    }

    [Fact]
    public void Liquid_that_does_not_parse_and_a_template_without_jobs_are_refused_by_field()
    {
        Assert.Contains("does not parse", Assert.Single(TemplateRules.Check(Template(Shell("Extract {{ table }}", "echo {{ table"))).For("jobs[0].command")), StringComparison.Ordinal);
        Assert.Equal(["A template has at least one job."], TemplateRules.Check(Template()).For("jobs"));
    }

    [Fact]
    public void Rendering_fills_every_text_with_values_or_defaults_and_puts_the_jobs_in_the_folder()
    {
        var template = Template(Shell("Extract {{ table }}", "echo {{ table | upcase }} {{ region }}"), Shell("Load {{ table }}", "echo", "Extract {{ table }}")) with
        {
            Placeholders = [new PlaceholderDocument { Name = "table" }, new PlaceholderDocument { Name = "region", Default = "eu" }],
        };

        var (jobs, errors) = TemplateRules.Render(template, new Dictionary<string, string?> { ["table"] = "sales" }, "finance/daily");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(["Extract sales", "Load sales"], jobs.Select(j => j.Name));
        Assert.Equal("echo SALES eu", jobs[0].Command);
        Assert.Equal(["Extract sales"], jobs[1].UpstreamNames());
        Assert.All(jobs, j => Assert.Equal("finance/daily", j.Folder));
    }

    [Fact]
    public void A_missing_value_without_default_and_a_value_for_no_placeholder_are_named_under_values()
    {
        var (jobs, errors) = TemplateRules.Render(Template(Shell("Extract {{ table }}", "echo")), new Dictionary<string, string?> { ["tables"] = "x" }, "");

        Assert.Empty(jobs);
        Assert.Equal(["A value for 'table' is required (the table to load)."], errors.For("values.table"));
        Assert.Equal(["The template has no placeholder 'tables'; it has table."], errors.For("values.tables"));
    }

    [Fact]
    public void Escaped_text_renders_back_to_itself_whatever_braces_it_holds()
    {
        foreach (var text in new[] { "{{ logical_date | date: '%Y' }}", "a {% raw %} b {{", "{{{x}}}", "plain", "{'a': {'b': 1}}" })
        {
            var escaped = LiquidText.Escape(text);
            Assert.Empty(LiquidText.Names(escaped).Names);
            Assert.Equal(text, LiquidText.Render(escaped, new Dictionary<string, string>()));
        }
    }

    [Fact]
    public void A_template_made_of_jobs_replaces_the_text_everywhere_keeps_inner_links_and_says_what_it_left_out()
    {
        var extract = Shell("Extract sales", "extract --table sales {{ keep }}") with
        {
            SecretEnvironment = ["TOKEN"], Environment = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["TABLE"] = "sales_daily" }),
        };
        var load = Shell("Load sales", "load", "Extract sales", "Other job");
        var request = new TemplateDocument
        {
            Name = "Sales", Placeholders = [new PlaceholderDocument { Name = "table", Replaces = "sales" }, new PlaceholderDocument { Name = "daily", Replaces = "sales_daily" }],
        };

        var (template, errors) = TemplateCapture.From(request, [extract, load]);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal("Extract {{ table }}", template.Jobs![0]!.Name);
        Assert.Equal("extract --table {{ table }} {{ '{{' }} keep }}", template.Jobs[0]!.Command);
        Assert.Equal("{{ daily }}", template.Jobs[0]!.Environment!.Value.GetProperty("TABLE").GetString());
        Assert.Equal(["Extract {{ table }}"], template.Jobs[1]!.UpstreamNames());
        Assert.Contains(template.Notes!, n => n.Contains("'Other job' is not one of the template's jobs", StringComparison.Ordinal));
        Assert.Contains(template.Notes!, n => n.Contains("secret variable TOKEN of 'Extract sales'", StringComparison.Ordinal));
        Assert.Equal("sales", template.Placeholders![0]!.Default);
        Assert.True(TemplateRules.Check(template).IsEmpty, TemplateRules.Check(template).ToString());
        var (rendered, _) = TemplateRules.Render(template, new Dictionary<string, string?> { ["table"] = "orders", ["daily"] = "orders_daily" }, "");
        Assert.Equal("extract --table orders {{ keep }}", rendered[0].Command);
    }

    [Fact]
    public void Every_shipped_template_checks_and_is_marked_shipped()
    {
        Assert.Equal(
            ["Clean-up of old files", "CSV load into SQLite", "HTTP download with curl and retry", "PostgreSQL dump with retention", "Python extract-transform-load"],
            ShippedTemplates.All.Select(t => t.Name));
        Assert.All(ShippedTemplates.All, t => Assert.True(t.Shipped && TemplateRules.Check(t).IsEmpty, $"{t.Name}: {TemplateRules.Check(t)}"));
    }
}
