namespace EtlWeb.Core.Jobs;

/// <summary>The lower-case words the job document uses for the enums.</summary>
public static class JobText
{
    public static string Of(JobKind kind) => kind switch
    {
        JobKind.Python => "python",
        JobKind.Shell => "shell",
        JobKind.Sql => "sql",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Of(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Manual => "manual",
        ScheduleKind.Cron => "cron",
        ScheduleKind.Interval => "interval",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Of(OverlapPolicy policy) => policy switch
    {
        OverlapPolicy.Skip => "skip",
        OverlapPolicy.Queue => "queue",
        OverlapPolicy.Allow => "allow",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    public static string Of(MisfirePolicy policy) => policy switch
    {
        MisfirePolicy.RunOnce => "run_once",
        MisfirePolicy.Skip => "skip",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    public static string Of(CalendarRule rule) => rule switch
    {
        CalendarRule.Skip => "skip",
        CalendarRule.NextDay => "next_day",
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };

    public static string Of(LinkKind kind) => kind switch
    {
        LinkKind.Success => "success",
        LinkKind.Failure => "failure",
        LinkKind.Always => "always",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        var normalized = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse(normalized, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(normalized, out _);
    }

    public static string Allowed<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => v switch
        {
            JobKind k => Of(k),
            ScheduleKind k => Of(k),
            OverlapPolicy p => Of(p),
            MisfirePolicy p => Of(p),
            LinkKind k => Of(k),
            CalendarRule r => Of(r),
            _ => v.ToString(),
        }));
}
