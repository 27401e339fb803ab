namespace EtlWeb.Security;

/// <summary>The actions the audit log records; the audit page filters on them.</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in failed";
    public const string SignOut = "sign-out";
    public const string PasswordChanged = "password changed";
    public const string JobCreated = "job created";
    public const string JobEdited = "job edited";
    public const string JobDeleted = "job deleted";
    public const string JobEnabled = "job enabled";
    public const string JobDisabled = "job disabled";
    public const string JobRestored = "job restored";
    public const string ScheduleChanged = "schedule changed";
    public const string RunTriggered = "run triggered";
    public const string RunCancelled = "run cancelled";
    public const string BackfillCreated = "backfill created";
    public const string BackfillCancelled = "backfill cancelled";
    public const string WebhookRun = "run triggered by webhook";
    public const string WebhookCreated = "webhook created";
    public const string WebhookRotated = "webhook rotated";
    public const string WebhookRemoved = "webhook removed";
    public const string Imported = "jobs imported";
    public const string SettingsChanged = "settings changed";
    public const string BackupMade = "backup made";
    public const string Restarted = "node restarted";
    public const string UserCreated = "user created";
    public const string UserChanged = "user changed";
    public const string UserDeleted = "user deleted";
    public const string TokenCreated = "token created";
    public const string TokenRevoked = "token revoked";
    public const string PoolCreated = "pool created";
    public const string PoolChanged = "pool changed";
    public const string PoolDeleted = "pool deleted";
    public const string ConnectionCreated = "connection created";
    public const string ConnectionChanged = "connection changed";
    public const string ConnectionDeleted = "connection deleted";
    public const string TemplateSaved = "template saved";
    public const string TemplateDeleted = "template deleted";
    public const string TemplateUsed = "jobs created from template";
    public const string CalendarCreated = "calendar created";
    public const string CalendarChanged = "calendar changed";
    public const string CalendarDeleted = "calendar deleted";
    public const string CalendarImported = "calendar imported";

    public static IReadOnlyList<string> All { get; } =
    [
        SignIn, SignInFailed, SignOut, PasswordChanged, JobCreated, JobEdited, JobDeleted, JobEnabled, JobDisabled, JobRestored,
        ScheduleChanged, RunTriggered, RunCancelled, WebhookRun, WebhookCreated, WebhookRotated, WebhookRemoved, Imported, SettingsChanged, BackupMade, UserCreated, UserChanged,
        UserDeleted, TokenCreated, TokenRevoked, PoolCreated, PoolChanged, PoolDeleted,
        ConnectionCreated, ConnectionChanged, ConnectionDeleted, TemplateSaved, TemplateDeleted, TemplateUsed,
        CalendarCreated, CalendarChanged, CalendarDeleted, CalendarImported,
    ];
}
