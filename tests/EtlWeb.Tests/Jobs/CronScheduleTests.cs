using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Jobs;

public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("*/5 * * * * *")]
    [InlineData("@daily")]
    public void Accepts_five_six_field_and_macro_expressions(string expression) =>
        Assert.True(CronSchedule.TryParse(expression, out _, out _));

    [Fact]
    public void Refuses_four_fields_naming_the_count()
    {
        Assert.False(CronSchedule.TryParse("0 2 * *", out _, out var error));
        Assert.Contains("4 field(s)", error, StringComparison.Ordinal);
    }
}
