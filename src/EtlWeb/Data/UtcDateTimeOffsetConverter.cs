using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EtlWeb.Data;

/// <summary>Writes every instant with offset zero, the only one a PostgreSQL <c>timestamptz</c> parameter takes; the instant is unchanged.</summary>
internal sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v.ToUniversalTime());
