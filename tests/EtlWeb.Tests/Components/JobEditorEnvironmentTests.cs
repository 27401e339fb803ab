using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs.Editor;

namespace EtlWeb.Tests.Components;

/// <summary>The editor's environment variables: rows and JSON, and what the job document gets from them.</summary>
public sealed class JobEditorEnvironmentTests
{
    [Fact]
    public void A_stored_secret_is_named_without_a_value_until_a_new_value_is_typed()
    {
        var state = Load("""{"MODE":"full"}""", "TOKEN");

        var (environment, secrets) = state.ToDocument();
        Assert.Equal("""{"MODE":"full"}""", environment.GetRawText());
        Assert.Equal(["TOKEN"], secrets);

        state.Rows.Single(r => r.Name == "TOKEN").Value = "new";
        Assert.Equal("""{"MODE":"full","TOKEN":"new"}""", state.ToDocument().Environment.GetRawText());
    }

    [Fact]
    public void Renaming_a_stored_secret_leaves_the_stored_value_behind()
    {
        var state = Load("{}", "TOKEN");
        var row = Assert.Single(state.Rows);

        row.Name = "API_TOKEN";

        Assert.False(row.KeepsStoredValue);
        Assert.Equal("""{"API_TOKEN":""}""", state.ToDocument().Environment.GetRawText());
    }

    [Fact]
    public void Blank_rows_are_ignored_and_a_value_without_a_name_is_reported()
    {
        var state = Load("{}");
        state.Rows.Add(new EnvironmentVariableRow());
        state.Rows.Add(new EnvironmentVariableRow { Value = "orphan" });

        Assert.Equal("{}", state.ToDocument().Environment.GetRawText());
        Assert.Equal(["A variable with a value needs a name."], state.LocalErrors().For(JobFields.Environment));
    }

    [Fact]
    public void The_json_view_holds_the_plain_variables_and_leaves_secrets_in_their_rows()
    {
        var state = Load("""{"B":"2","A":"1"}""", "TOKEN");

        state.ShowJson();

        Assert.Equal("{\n  \"B\": \"2\",\n  \"A\": \"1\"\n}", state.JsonText.ReplaceLineEndings("\n"));
        state.JsonText = """{"C":"3","TOKEN":"x"}""";
        Assert.Equal(["'TOKEN' is a secret variable already; edit it in its row."], state.LocalErrors().For(JobFields.Environment));

        state.JsonText = """{"C":"3"}""";
        Assert.Null(state.ShowRows());
        Assert.Equal(["C", "TOKEN"], state.Rows.Select(r => r.Name));
        Assert.True(state.Rows[1].KeepsStoredValue);
    }

    [Fact]
    public void Json_that_is_not_an_object_goes_to_the_catalogue_as_it_is_for_its_message()
    {
        var state = Load("{}");
        state.ShowJson();
        state.JsonText = "[1, 2]";

        Assert.Equal(JsonValueKind.Array, state.ToDocument().Environment.ValueKind);
        Assert.Equal("Write a JSON object of name -> string value to turn it into rows.", state.ShowRows());
        Assert.True(state.JsonMode);
    }

    private static EnvironmentState Load(string environment, params string[] secrets) =>
        EnvironmentState.FromDocument(JsonDocument.Parse(environment).RootElement.Clone(), secrets);
}
