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

/// <summary>When a dependency lets its downstream run: the upstream succeeded, failed for good, or ended at all.</summary>
public enum LinkKind
{
    Success,
    Failure,
    Always,
}
