using System.Globalization;
using Fluid;
using Fluid.Values;

namespace EtlWeb.Core.Parameters;

/// <summary>
/// A parameter default computed from the run's logical date: a Liquid template (Fluid) that sees <c>logical_date</c> in
/// the job's zone, with the date filters <c>add_days</c>, <c>add_hours</c> and <c>add_months</c>. Days and months are
/// calendar ones in that zone, so "the day before" stays the day before across a daylight-saving change.
/// </summary>
public static class DefaultTemplate
{
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = CreateOptions();

    /// <summary>A default that is a template rather than a literal value.</summary>
    public static bool IsTemplate(string text) =>
        text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    /// <summary>The rendered text, or the error that names what is wrong with the template.</summary>
    public static (string? Text, string? Error) Render(string template, DateTimeOffset logicalDate, TimeZoneInfo zone)
    {
        if (!Parser.TryParse(template, out var parsed, out var error))
        {
            return (null, $"the template does not parse: {error}");
        }

        try
        {
            var context = new TemplateContext(Options) { TimeZone = zone };
            context.SetValue("logical_date", DateTimeValue.Create(TimeZoneInfo.ConvertTime(logicalDate, zone)));
            return (parsed.Render(context).Trim(), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return (null, $"the template failed: {ex.Message}");
        }
    }

    private static TemplateOptions CreateOptions()
    {
        return new TemplateOptionsBuilder()
            .WithCultureInfo(CultureInfo.InvariantCulture)
            .WithMaxSteps(10_000)
            .AddFilter("add_days", (input, arguments, context) => Shift(input, arguments, context, (local, n) => local.AddDays((double)n)))
            .AddFilter("add_months", (input, arguments, context) => Shift(input, arguments, context, (local, n) => local.AddMonths((int)n)))
            .AddFilter("add_hours", (input, arguments, context) =>
                input.TryGetDateTimeInput(context, out var value)
                    ? DateTimeValue.Create(TimeZoneInfo.ConvertTime(value.AddHours((double)arguments.At(0).ToNumberValue(context)), context.TimeZone))
                    : NilValue.Instance)
            .Build();
    }

    /// <summary>Moves the wall-clock time in the context's zone, then finds that local time's offset.</summary>
    private static ValueTask<FluidValue> Shift(FluidValue input, FilterArguments arguments, TemplateContext context, Func<DateTime, decimal, DateTime> move)
    {
        if (!input.TryGetDateTimeInput(context, out var value))
        {
            return NilValue.Instance;
        }

        var zone = context.TimeZone;
        var local = move(TimeZoneInfo.ConvertTime(value, zone).DateTime, arguments.At(0).ToNumberValue(context));
        return DateTimeValue.Create(ZonedTime.At(local, zone));
    }
}
