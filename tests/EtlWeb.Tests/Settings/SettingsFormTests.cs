using EtlWeb.Features.Settings;
using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Settings;

public sealed class SettingsFormTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:Scheduler:MaxUpstreamWaitMinutes"] = "90" } })
{
    private SettingsForm Form() => new(Factory.Services.GetRequiredService<SettingsStore>());

    [Fact]
    public void The_log_limit_is_edited_in_megabytes_and_saved_in_bytes()
    {
        var form = Form();

        form.MaxLogMegabytes.Value = 1.5m;

        Assert.Equal(256m, form.MaxLogMegabytes.Default);
        Assert.Equal("256 MB", form.MaxLogMegabytes.DefaultText);
        Assert.Equal(1_572_864L, form.Changes()[SettingCatalog.MaxLogBytesPerAttempt.Key]);
    }

    [Fact]
    public void Only_changed_fields_are_sent_and_a_field_back_at_its_default_sends_a_reset()
    {
        var form = Form();

        form.RetentionDays.Value = 12;
        form.MaxConcurrentJobs.Value = 8;
        form.MaxConcurrentJobs.ResetToDefault();
        form.RunsPerJob.Value = 500;

        Assert.Equal(new Dictionary<string, long?> { [SettingCatalog.RetentionDays.Key] = 12 }, form.Changes());
    }

    [Fact]
    public async Task A_saved_field_reset_to_its_default_sends_null()
    {
        using var admin = Acting.AsAdmin();
        var store = Factory.Services.GetRequiredService<SettingsStore>();
        await store.SaveAsync(new Dictionary<string, long?> { [SettingCatalog.RetentionDays.Key] = 12 });
        var form = Form();

        form.RetentionDays.ResetToDefault();

        Assert.True(form.RetentionDays.IsChanged);
        Assert.Null(form.Changes()[SettingCatalog.RetentionDays.Key]);
    }

    [Theory]
    [InlineData(0, "Must be between 1 and 256.")]
    [InlineData(257, "Must be between 1 and 256.")]
    [InlineData(2.5, "Enter a whole number.")]
    [InlineData(8, null)]
    public void Max_concurrent_jobs_explains_what_it_takes(double value, string? message)
    {
        var form = Form();

        form.MaxConcurrentJobs.Value = (decimal)value;

        Assert.Equal(message, form.MaxConcurrentJobs.Error);
    }

    [Fact]
    public void Messages_use_the_fields_units()
    {
        var form = Form();

        form.MaxUpstreamWait.Value = 0;
        form.MaxLogMegabytes.Value = 0;
        form.RunsPerJob.Value = null;

        Assert.Equal("Must be between 1 min and 8,760 h.", form.MaxUpstreamWait.Error);
        Assert.Equal("Must be 0.01 or more.", form.MaxLogMegabytes.Error);
        Assert.Equal("Enter a value.", form.RunsPerJob.Error);
        Assert.Equal(3, form.ErrorCount);
    }

    [Fact]
    public void The_wait_default_reads_in_hours_and_minutes()
    {
        Assert.Equal("1 h 30 min", Form().MaxUpstreamWait.DefaultText);
        Assert.Equal("24 h", SettingsForm.HoursAndMinutes(1440));
        Assert.Equal("45 min", SettingsForm.HoursAndMinutes(45));
    }
}
