using System.Text.RegularExpressions;
using EtlWeb.Features.Designer;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Designer;

public sealed class BoxLookTests
{
    [Theory]
    [InlineData("Succeeded", BoxState.Succeeded)]
    [InlineData("Failed", BoxState.Failed)]
    [InlineData("TimedOut", BoxState.Failed)]
    [InlineData("Cancelled", BoxState.Cancelled)]
    [InlineData("Skipped", BoxState.Skipped)]
    [InlineData("Running", BoxState.Running)]
    [InlineData("Waiting", BoxState.Waiting)]
    [InlineData("Idle", BoxState.Idle)]
    public void A_last_run_status_gives_its_colour_family(string status, BoxState state) =>
        Assert.Equal(state, BoxLook.StateOf(new BoxFace("a", "shell", "Manual", status, Enabled: true)));

    [Fact]
    public void Every_state_has_a_colour_of_its_own_in_the_style_sheet()
    {
        var css = File.ReadAllText(Path.Combine(Repository.Root, "src", "EtlWeb", "wwwroot", "app.css"));
        var colours = Enum.GetValues<BoxState>().ToDictionary(s => s, s =>
        {
            var rule = Regex.Match(css, $@"\.{BoxLook.CssClass(s)} \{{ --etl-box-colour: (#[0-9a-f]{{6}});");
            Assert.True(rule.Success, $"app.css has no colour for {BoxLook.CssClass(s)}");
            return rule.Groups[1].Value;
        });
        Assert.Equal(colours.Count, colours.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(colours.Count, Enum.GetValues<BoxState>().Select(BoxLook.Describe).Distinct(StringComparer.Ordinal).Count());
    }
}
