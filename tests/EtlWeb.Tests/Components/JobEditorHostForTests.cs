using Bunit;
using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Features;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;

namespace EtlWeb.Tests.Components;

/// <summary>
/// bUnit with what the job editor needs: the real <see cref="JobCatalog"/> over a fresh SQLite database,
/// MudBlazor's services and providers, a fake clock (validation waits for typing to pause; tests advance it),
/// and the browser's side answered in bUnit's strict mode: MudBlazor's calls, the cron preview's module (the browser in
/// UTC, no words for any expression unless a test says otherwise) and the script editor's, which it creates and disposes.
/// </summary>
public sealed class JobEditorHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "etlweb-editor-tests", Guid.NewGuid().ToString("N"));

    private JobEditorHost()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Strict;
        Context.JSInterop.SetupMudBlazor();
        CronModule = Context.JSInterop.SetupModule("./Features/Jobs/Editor/CronPreview.razor.js");
        CronModule.Setup<string?>("browserZone").SetResult("UTC");
        CronModule.Setup<string?>("describe", _ => true).SetResult(null);
        var scriptEditor = Context.JSInterop.SetupModule("./Features/Jobs/Editor/ScriptEditor.razor.js").SetupModule("create", _ => true);
        scriptEditor.SetupVoid("dispose").SetVoidResult();
        Context.Services.AddSingleton(Options.Create(new EtlWebOptions { DataDirectory = _directory }));
        Context.Services.AddEtlWebData(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Context.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Context.Services.AddSingleton<CurrentActor>();
        Context.Services.AddSingleton<AuditLog>();
        Context.Services.AddEtlWebFeatures();
        Context.Services.AddSingleton<EtlWeb.Realtime.JobChangeFeed>();
        // The Nodes directory, which the features serve, shows the attempts running on this node.
        Context.Services.AddSingleton<EtlWeb.Metrics.EtlMetrics>();
        Context.Services.AddSingleton<EtlWeb.Orchestration.RunningAttempts>();
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton(EtlWeb.Core.Execution.ResourceAccounting.Detect(useCgroups: false, _directory));
        Context.Services.AddMudServices();
    }

    public BunitContext Context { get; } = new();

    public FakeTimeProvider Time { get; } = new(Now);

    public BunitJSModuleInterop CronModule { get; }

    public JobCatalog Catalog => Context.Services.GetRequiredService<JobCatalog>();

    /// <summary>Where open dialogs render; find the editor's elements here.</summary>
    public IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;

    public static async Task<JobEditorHost> StartAsync()
    {
        var host = new JobEditorHost();
        await host.Context.Services.MigrateEtlWebDatabaseAsync();
        host.Context.Render<MudPopoverProvider>();
        host.Dialogs = host.Context.Render<MudDialogProvider>();
        return host;
    }

    /// <summary>Opens the editor as the main screen does; the task ends when the dialog closes.</summary>
    public Task<JobDocument?> OpenEditorAsync(int? jobId)
    {
        var dialogs = Context.Services.GetRequiredService<IDialogService>();
        var closed = Dialogs.InvokeAsync(() => JobEditorDialog.OpenAsync(dialogs, jobId));
        Dialogs.WaitForElement("[data-testid=field-name]");
        return closed;
    }

    /// <summary>
    /// Lets the pause after typing pass until the editor has checked the job and shown the result. An input may
    /// report its change after the event returned, so the clock moves on again at each render until then.
    /// </summary>
    public void Settle() => Dialogs.WaitForAssertion(() =>
    {
        Time.Advance(JobEditorDialog.ValidationDelay);
        Assert.DoesNotContain("Checking…", Dialogs.Markup, StringComparison.Ordinal);
    });

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
