using System.Text.Json;
using EtlWeb.Core.Parameters;

namespace EtlWeb.Tests.Parameters;

public sealed class ParameterRulesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTimeOffset Sample = new(2026, 3, 30, 2, 0, 0, TimeSpan.FromHours(2));

    [Theory]
    [InlineData(ParameterType.Text, "\"  keeps spaces \"", "  keeps spaces ")]
    [InlineData(ParameterType.Integer, "42", "42")]
    [InlineData(ParameterType.Integer, "\"-7\"", "-7")]
    [InlineData(ParameterType.Number, "2.50", "2.50")]
    [InlineData(ParameterType.Number, "\"1e3\"", "1000")]
    [InlineData(ParameterType.Boolean, "true", "true")]
    [InlineData(ParameterType.Boolean, "\"No\"", "false")]
    [InlineData(ParameterType.Date, "\"2026-02-28\"", "2026-02-28")]
    [InlineData(ParameterType.DateTime, "\"2026-07-01T08:30:00Z\"", "2026-07-01T08:30:00+00:00")]
    [InlineData(ParameterType.DateTime, "\"2026-07-01T08:30\"", "2026-07-01T08:30:00+02:00")]
    [InlineData(ParameterType.DateTime, "\"2026-01-01 08:30\"", "2026-01-01T08:30:00+01:00")]
    public void Each_type_reads_its_values_into_one_text_form(ParameterType type, string json, string expected)
    {
        var parameter = Declared(type);
        var (value, error) = ParameterRules.Read(parameter, JsonDocument.Parse(json).RootElement, Berlin);
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(ParameterType.Integer, "4.5", "not a whole number")]
    [InlineData(ParameterType.Integer, "\"12 rows\"", "not a whole number")]
    [InlineData(ParameterType.Number, "\"1,5\"", "not a number")]
    [InlineData(ParameterType.Boolean, "\"maybe\"", "not true or false")]
    [InlineData(ParameterType.Date, "\"2026-02-30\"", "not a date")]
    [InlineData(ParameterType.Date, "\"31/03/2026\"", "not a date")]
    [InlineData(ParameterType.DateTime, "\"tomorrow\"", "not a date and time")]
    [InlineData(ParameterType.Text, "[1]", "not a list")]
    [InlineData(ParameterType.Integer, "{}", "not an object")]
    public void Each_type_refuses_what_it_cannot_read_and_says_what_it_takes(ParameterType type, string json, string expected)
    {
        var (value, error) = ParameterRules.Read(Declared(type), JsonDocument.Parse(json).RootElement, Berlin);
        Assert.Null(value);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_choice_takes_one_of_its_choices_only()
    {
        var region = Declared(ParameterType.Choice) with { Choices = ["eu", "us"] };
        Assert.Equal("us", ParameterRules.Read(region, "us", Berlin).Value);
        Assert.Equal("'asia' is not one of the choices of 'p': eu, us.", ParameterRules.Read(region, "asia", Berlin).Error);
    }

    [Fact]
    public void Resolving_names_each_bad_unknown_and_missing_parameter()
    {
        JobParameter[] declared =
        [
            Declared(ParameterType.Date) with { Name = "day", Required = true },
            Declared(ParameterType.Integer) with { Name = "limit" },
            Declared(ParameterType.Text) with { Name = "customer", Required = true },
        ];
        var given = Given(("day", "\"2026-13-01\""), ("limt", "5"));

        var errors = ParameterRules.Resolve(declared, given, Sample, Berlin).Errors.ToDictionary();

        Assert.Equal(["params.limt", "params.day", "params.customer"], errors.Keys);
        Assert.Contains("not a date", errors["params.day"][0], StringComparison.Ordinal);
        Assert.Equal("'limt' is not a parameter of this job. Did you mean 'limit'?", errors["params.limt"][0]);
        Assert.Equal("'customer' is required and has no default; give a value.", errors["params.customer"][0]);
    }

    [Fact]
    public void Given_values_win_over_defaults_and_a_blank_one_counts_as_not_given()
    {
        JobParameter[] declared =
        [
            Declared(ParameterType.Integer) with { Name = "limit", Default = "10" },
            Declared(ParameterType.Text) with { Name = "region", Default = "eu" },
            Declared(ParameterType.Text) with { Name = "note" },
        ];

        var resolution = ParameterRules.Resolve(declared, Given(("limit", "25"), ("region", "\"\"")), Sample, Berlin);

        Assert.True(resolution.Errors.IsEmpty);
        Assert.Equal([("limit", "25"), ("region", "eu")], resolution.Values.Select(v => (v.Name, v.Value)));
        Assert.Equal(JsonValueKind.Number, resolution.Values[0].ToJson().ValueKind);
    }

    [Theory]
    // The day before, in the job's zone, on both sides of the spring-forward night (29 March 2026) and the fall-back one (25 October).
    [InlineData("2026-03-29T00:30:00+00:00", "2026-03-28")] // 01:30 CET
    [InlineData("2026-03-29T01:30:00+00:00", "2026-03-28")] // 03:30 CEST
    [InlineData("2026-03-30T00:00:00+00:00", "2026-03-29")] // 02:00 CEST: the day before has no 02:00
    [InlineData("2026-10-25T23:30:00+00:00", "2026-10-25")] // 00:30 CET on the 26th
    [InlineData("2026-10-24T22:30:00+00:00", "2026-10-24")] // 00:30 CEST on the 25th
    public void A_default_template_computes_the_day_before_the_logical_date_in_the_jobs_zone(string logical, string expected)
    {
        var day = Declared(ParameterType.Date) with { Name = "day", Default = "{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}" };

        var resolution = ParameterRules.Resolve([day], null, DateTimeOffset.Parse(logical, System.Globalization.CultureInfo.InvariantCulture), Berlin);

        Assert.True(resolution.Errors.IsEmpty, resolution.Errors.ToString());
        Assert.Equal(expected, resolution.Values.Single().Value);
    }

    [Fact]
    public void A_datetime_default_keeps_the_wall_clock_time_across_a_daylight_saving_change()
    {
        var since = Declared(ParameterType.DateTime) with { Name = "since", Default = "{{ logical_date | add_days: -1 | date: '%Y-%m-%dT%H:%M:%S%z' }}" };

        var value = ParameterRules.Resolve([since], null, new DateTimeOffset(2026, 3, 30, 2, 0, 0, TimeSpan.FromHours(2)), Berlin).Values.Single().Value;

        // 02:00 of 29 March does not exist in Berlin: the instant is the one just past the gap.
        Assert.Equal("2026-03-29T03:00:00+02:00", value);
        Assert.Equal("2026-10-25T02:00:00+02:00", ParameterRules.Resolve([since], null, new DateTimeOffset(2026, 10, 26, 2, 0, 0, TimeSpan.FromHours(1)), Berlin).Values.Single().Value);
    }

    [Fact]
    public void Bad_declarations_name_the_field()
    {
        JobParameter[] declared =
        [
            Declared(ParameterType.Text) with { Name = "1st" },
            Declared(ParameterType.Text) with { Name = "Region" },
            Declared(ParameterType.Choice) with { Name = "region", Choices = [] },
            Declared(ParameterType.Integer) with { Name = "limit", Default = "ten", Choices = ["a"] },
            Declared(ParameterType.Date) with { Name = "day", Default = "{{ logical_date | date: '%d.%m.%Y' }}" },
            Declared(ParameterType.Date) with { Name = "broken", Default = "{{ logical_date | " },
        ];

        var errors = ParameterRules.ValidateDeclarations(declared, Berlin, Sample).ToDictionary();

        Assert.Equal(
            ["parameters[0].name", "parameters[2].name", "parameters[2].choices", "parameters[3].choices", "parameters[3].default", "parameters[4].default", "parameters[5].default"],
            errors.Keys);
        Assert.Contains("declared twice", errors["parameters[2].name"][0], StringComparison.Ordinal);
        Assert.Contains("'30.03.2026' is not a date", errors["parameters[4].default"][0], StringComparison.Ordinal);
        Assert.Contains("does not parse", errors["parameters[5].default"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_logical_date_variable_is_iso_8601_with_the_offset_of_the_jobs_zone()
    {
        Assert.Equal("2026-07-01T02:00:00+02:00", ParameterRules.LogicalDateText(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero), Berlin));
        Assert.Equal("ETL_PARAM_REGION_CODE", (Declared(ParameterType.Text) with { Name = "region_code" }).VariableName);
    }

    [Fact]
    public void A_secret_value_is_never_repeated_in_a_message()
    {
        var pin = Declared(ParameterType.Integer) with { Name = "pin", Secret = true };

        Assert.Equal("The value of 'pin' is not a whole number: give a whole number such as 42.", ParameterRules.Read(pin, "s3cret", Berlin).Error);
        Assert.DoesNotContain("s3cret", ParameterRules.Read(pin with { Type = ParameterType.Choice, Choices = ["a"] }, "s3cret", Berlin).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wall_clock_time_that_is_no_instant_is_refused_not_thrown()
    {
        Assert.Contains("is not a date and time", ParameterRules.Read(Declared(ParameterType.DateTime), "0001-01-01T00:00", Berlin).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_default_of_a_job_with_an_unknown_time_zone_is_checked_in_utc_and_the_zone_named()
    {
        var job = new Core.Jobs.Job
        {
            Name = "j", Command = "true", TimeZone = "Europe/Pariss",
            Parameters = [Declared(ParameterType.Date) with { Name = "day", Default = "{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}" }],
        };

        var errors = Core.Jobs.JobValidator.Validate(job).ToDictionary();

        Assert.True(errors.ContainsKey(Core.Jobs.JobFields.TimeZone));
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("parameters", StringComparison.Ordinal));
    }

    private static JobParameter Declared(ParameterType type) => new() { Name = "p", Type = type };

    private static Dictionary<string, JsonElement> Given(params (string Name, string Json)[] values) =>
        values.ToDictionary(v => v.Name, v => JsonDocument.Parse(v.Json).RootElement);
}
