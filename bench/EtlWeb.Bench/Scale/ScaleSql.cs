namespace EtlWeb.Bench.Scale;

/// <summary>
/// The statements <see cref="ScaleData"/> runs, in order. Instants are stored as EF Core's DateTimeOffsetToBinaryConverter
/// writes them; the JSON documents (a run's definition snapshot, a revision's definition) copy what the app wrote for a
/// job created through the API.
/// </summary>
internal static class ScaleSql
{
    /// <summary>Unix milliseconds (an SQL expression) to the stored instant.</summary>
    private static string Stored(string milliseconds) => $"((({milliseconds}) * 10 + @epoch_ticks_k) << 11)";

    private const string Snapshot =
        """{"Id":%d,"Name":"%s","Description":"","Folder":"%s","Kind":1,"Command":"true","Script":"","Interpreter":"","WorkingDirectory":"","Environment":{},"SecretEnvironment":[],"Requirements":[],"Parameters":[],"ForEachJob":"","ForEachOutput":"","ForEachMaxParallel":0,"IsForEach":false,"TimeoutSeconds":0,"StallTimeoutSeconds":0,"MemoryLimitMb":0,"CpuLimitSeconds":0,"Connection":"","Pool":"","PoolSlots":1,"Priority":0,"MaxRetries":0,"RetryDelaySeconds":0,"RetryBackoff":1,"ScheduleKind":%d,"CronExpression":"%s","TimeZone":"","IntervalMinutes":0,"Calendar":"","CalendarRule":0,"NotifyEmail":"","NotifyOnSuccess":false,"NotifyOnFailure":true,"NotifySlack":false,"NotifyOnRecovery":false,"NotifyFailureStreak":0,"NotifyLongRunning":0,"NotifyMissed":false,"Enabled":true,"OverlapPolicy":0,"MisfirePolicy":0,"DesignerX":null,"DesignerY":null,"Revision":1,"CreatedAt":"%s","UpdatedAt":"%s"}""";

    private const string Definition =
        """{"id":null,"name":"%s","description":"","folder":"%s","job_type":"shell","command":"true","script":"","interpreter":"","working_directory":"","environment":{},"secret_environment":[],"requirements":[],"timeout_seconds":0,"stall_timeout_seconds":0,"memory_limit_mb":0,"cpu_limit_seconds":0,"connection":"","pool":"","pool_slots":1,"priority":0,"max_retries":0,"retry_delay_seconds":0,"retry_backoff":1,"schedule_type":"%s","cron_expression":"%s","time_zone":"","interval_minutes":0,"calendar":"","calendar_rule":"skip","parameters":[],"dependencies":[%s],"notify_email":"","notify_on_success":false,"notify_on_failure":true,"notify_slack":false,"notify_on_recovery":false,"notify_failure_streak":0,"notify_long_running":0,"notify_missed":false,"enabled":true,"overlap_policy":"skip","misfire_policy":"run_once","designer_x":null,"designer_y":null,"status":null,"last_run_at":null,"next_run_at":null,"paused_until":null,"webhook_token":null}""";

    public static readonly string[] Statements =
    [
        // The jobs' layout: chain, step, name, folder (every eleventh chain in the root), and whether it has the cron schedule.
        """
        CREATE TEMP TABLE scale_jobs AS
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @jobs)
        SELECT i + 1 AS Id, i / @chain_length AS Chain, i % @chain_length AS Step,
               printf('chain-%04d-step-%d', i / @chain_length, i % @chain_length) AS Name,
               CASE WHEN (i / @chain_length) % (@folders + 1) = @folders THEN ''
                    ELSE printf('team-%02d', (i / @chain_length) % (@folders + 1)) END AS Folder,
               i % @chain_length = 0 AND (i / @chain_length) % 2 = 0 AS Cron
        FROM n
        """,
        """
        INSERT INTO jobs (Id, Name, Description, Kind, Command, Script, Interpreter, WorkingDirectory, Environment, SecretEnvironment,
                          TimeoutSeconds, MaxRetries, RetryDelaySeconds, RetryBackoff, ScheduleKind, CronExpression, TimeZone, IntervalMinutes,
                          NotifyEmail, NotifyOnSuccess, NotifyOnFailure, NotifySlack, Enabled, OverlapPolicy, MisfirePolicy,
                          CreatedAt, UpdatedAt, Revision, Folder)
        SELECT Id, Name, '', 'Shell', 'true', '', '', '', '{}', '[]',
               0, 0, 0, 1.0, CASE WHEN Cron THEN 'Cron' ELSE 'Manual' END, CASE WHEN Cron THEN @cron ELSE '' END, '', 0,
               '', 0, 1, 0, 1, 'Skip', 'RunOnce',
               @created, @created, 1, Folder
        FROM scale_jobs
        """,
        """INSERT INTO job_dependencies (UpstreamJobId, DownstreamJobId, "When") SELECT Id - 1, Id, 'Success' FROM scale_jobs WHERE Step > 0""",
        "INSERT INTO schedule_states (JobId, Anchor) SELECT Id, @anchor FROM scale_jobs",
        $$"""
        INSERT INTO job_revisions (JobId, Number, Author, At, Definition, Changes)
        SELECT Id, 1, 'bench', @created,
               printf('{{Definition}}', Name, Folder, CASE WHEN Cron THEN 'cron' ELSE 'manual' END, CASE WHEN Cron THEN @cron ELSE '' END,
                      CASE WHEN Step > 0 THEN printf('"chain-%04d-step-%d"', Chain, Step - 1) ELSE '' END),
               printf('[{"Field":"name","Old":"","New":"%s"}]', Name)
        FROM scale_jobs
        """,
        // A primary key, so that each run reads its job's snapshot by Id.
        "CREATE TEMP TABLE scale_snapshots (Id INTEGER PRIMARY KEY, Snapshot TEXT NOT NULL)",
        $$"""
        INSERT INTO scale_snapshots (Id, Snapshot)
        SELECT Id, printf('{{Snapshot}}', Id, Name, Folder, Cron, CASE WHEN Cron THEN @cron ELSE '' END, @created_text, @created_text)
        FROM scale_jobs
        """,

        // Pipeline p runs chain p % 1000 from its head to its tail, one step every few seconds; Ids follow the queue times.
        // Durations and failures (about 4 %) come from a hash of the run's number, so every generation is the same.
        $$"""
        INSERT INTO runs (Id, JobId, Trigger, Status, Reason, DefinitionSnapshot, PipelineId, QueuedAt, StartedAt, FinishedAt,
                          CancelRequested, LogicalDate, Params, Revision)
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @runs),
        r AS (SELECT i, i / @chain_length AS Pipeline, i % @chain_length AS Step, (i / @chain_length) % @chains AS Chain,
                     @first_ms + (i / @chain_length) * @pipeline_ms + (i % @chain_length) * @step_ms AS Queued,
                     1000 + i * 48271 % 2147483647 % 5000 AS Took, i * 2654435761 % 1000003 % 100 < 4 AS Failed
              FROM n)
        SELECT i + 1, Chain * @chain_length + Step + 1,
               CASE WHEN Step > 0 THEN 'Upstream' WHEN Chain % 2 = 0 THEN 'Schedule' ELSE 'Manual' END,
               CASE WHEN Failed THEN 'Failed' ELSE 'Succeeded' END, CASE WHEN Failed THEN 'exit code 1' END,
               (SELECT Snapshot FROM scale_snapshots WHERE Id = Chain * @chain_length + Step + 1),
               printf('%08X-0000-4000-8000-%012X', Pipeline, Chain),
               {{Stored("Queued")}}, {{Stored("Queued + 200")}}, {{Stored("Queued + 200 + Took")}},
               0, {{Stored("Queued - Step * @step_ms")}}, '{}', 1
        FROM r
        """,
        """
        INSERT INTO attempts (Id, RunId, Number, Marker, Status, StartedAt, FinishedAt, ExitCode, Message, Node, ProcessGroupId,
                              LogLines, LogBytes, LogTruncated, SpoolStderr, SpoolStdout, CpuSystemSeconds, CpuUserSeconds, PeakMemoryBytes,
                              Pool, PoolSlots, ReadBytes, ResourceSource, WriteBytes)
        SELECT Id, Id, 1, lower(hex(randomblob(16))), Status, StartedAt, FinishedAt, Status = 'Failed',
               CASE WHEN Status = 'Failed' THEN 'exit code 1' ELSE 'exit code 0' END, 'bench', 10000 + Id % 50000,
               1, 77, 0, 0, 0, 0.0, 0.0, 524288,
               '', 0, 8192, 'cgroup', 4096
        FROM runs
        """,
        "INSERT INTO run_requests (Id, RunId, Trigger, PipelineId, RequestedAt) SELECT Id, Id, Trigger, PipelineId, LogicalDate FROM runs",
        "DROP TABLE temp.scale_snapshots",
        "DROP TABLE temp.scale_jobs",
    ];
}
