namespace EtlWeb.Core.Jobs;

public enum JobKind
{
    Python,
    Shell,
    Sql,
}

public enum ScheduleKind
{
    Manual,
    Cron,
    Interval,
}

/// <summary>What happens when a job is triggered while a run of it is already running.</summary>
public enum OverlapPolicy
{
    Skip,
    Queue,
    Allow,
}

/// <summary>What happens on start for fire times missed while EtlWeb was down.</summary>
public enum MisfirePolicy
{
    RunOnce,
    Skip,
}

/// <summary>What a Cron or Interval job does with a fire that falls on a day of its calendar.</summary>
public enum CalendarRule
{
    /// <summary>The fire does not happen; the next one is the schedule's next fire on a day not in the calendar.</summary>
    Skip,

    /// <summary>The fire moves to the same time of the next day that is not in the calendar.</summary>
    NextDay,
}

/// <summary>When a dependency lets its downstream run: the upstream succeeded, failed for good, or ended at all.</summary>
public enum LinkKind
{
    Success,
    Failure,
    Always,
}
