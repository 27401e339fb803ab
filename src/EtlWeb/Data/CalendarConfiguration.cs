using EtlWeb.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

internal sealed class CalendarConfiguration : IEntityTypeConfiguration<BusinessCalendar>
{
    public void Configure(EntityTypeBuilder<BusinessCalendar> builder)
    {
        builder.ToTable("calendars");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.Property(c => c.Description).HasMaxLength(500);

        // A primitive collection: a JSON array of ISO dates on SQLite, a date[] on PostgreSQL.
        builder.PrimitiveCollection(c => c.Days);
    }
}
