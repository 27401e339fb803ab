namespace EtlWeb.Core.Parameters;

/// <summary>Wall-clock times of a zone as instants.</summary>
public static class ZonedTime
{
    /// <summary>
    /// The instant of <paramref name="local"/> in <paramref name="zone"/>: a time skipped by spring-forward is moved
    /// past the gap, a time repeated by fall-back is its first occurrence (the larger offset).
    /// </summary>
    public static DateTimeOffset At(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local, before).ToOffset(zone.GetUtcOffset(local.AddHours(3)));
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
