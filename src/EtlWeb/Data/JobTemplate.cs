using EtlWeb.Core.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>A template saved by a user (shipped ones are embedded in the assembly): one row, the template as JSON.</summary>
public sealed class JobTemplate
{
    public string Name { get; set; } = "";

    /// <summary>The template document (placeholders and jobs), as <c>GET /api/templates/{name}</c> gives it.</summary>
    public string Body { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class JobTemplateConfiguration : IEntityTypeConfiguration<JobTemplate>
{
    public void Configure(EntityTypeBuilder<JobTemplate> builder)
    {
        builder.ToTable("job_templates");
        builder.HasKey(t => t.Name);
        builder.Property(t => t.Name).HasMaxLength(TemplateRules.MaxNameLength);
        builder.Property(t => t.CreatedBy).HasMaxLength(256);
    }
}
