using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>A value saved on the Settings page; it wins over the configured default (see SettingsStore).</summary>
public sealed class StoredSetting
{
    /// <summary>The configuration key it overrides, e.g. <c>EtlWeb:Retention:Days</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>The value as JSON, so settings that are not numbers (SMTP, Slack) fit the same table.</summary>
    public string Value { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class StoredSettingConfiguration : IEntityTypeConfiguration<StoredSetting>
{
    public void Configure(EntityTypeBuilder<StoredSetting> builder)
    {
        builder.ToTable("settings");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(200);
    }
}
