using EtlWeb.Api;
using EtlWeb.Components;
using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Features;
using EtlWeb.Features.Notifications;
using EtlWeb.Features.Security;
using EtlWeb.Metrics;
using EtlWeb.Orchestration;

if (StartupCommands.AsksForHelp(args))
{
    StartupCommands.WriteHelp(Console.Out);
    return 0;
}

var builder = WebApplication.CreateBuilder(args);
if (ConfigurationCheck.Problems(builder.Configuration) is { Count: > 0 } problems)
{
    StartupCommands.WriteProblems(problems, Console.Error);
    return StartupCommands.BadConfiguration;
}

// Before the logger opens its file there: the directory is created private (0700) or reported unusable.
if (ConfigurationCheck.DataDirectoryProblem(builder.Configuration) is { } directoryProblem)
{
    StartupCommands.WriteProblems([directoryProblem], Console.Error);
    return StartupCommands.BadConfiguration;
}

builder.AddEtlWebLogging();
builder.Services.AddEtlWebOptions();
builder.Services.AddEtlWebMetrics();
builder.Services.AddEtlWebData(builder.Configuration);
builder.Services.AddEtlWebSecurity(builder.Configuration);
builder.Services.AddEtlWebFeatures();
builder.Services.AddEtlWebOrchestration(builder.Configuration);
builder.Services.AddEtlWebNotifications(builder.Configuration);
builder.Services.AddEtlWebApi();
builder.AddEtlWebUi();

var app = builder.Build();
if (ConfigurationCheck.DataDirectoryWarning(app.Configuration) is { } openDirectory)
{
    app.Logger.LogWarning("{Warning}", openDirectory);
}

app.Logger.LogInformation("{KeyRing}", SecurityExtensions.KeyRingNote(app.Configuration));

try
{
    await app.Services.MigrateEtlWebDatabaseAsync();
}
catch (Exception ex) when ((ex as Npgsql.NpgsqlException ?? ex.InnerException as Npgsql.NpgsqlException) is { } unreachable)
{
    // EF Core's history table check wraps the driver's exception; the migration itself throws it as it is.
    StartupCommands.WriteProblems([ConfigurationCheck.DatabaseProblem(app.Configuration, unreachable)], Console.Error);
    return StartupCommands.BadConfiguration;
}

app.UseEtlWebForwardedHeaders();
app.UseEtlWebRequestLogging();
if (app.IsWorkerNode())
{
    // A worker serves no pages and no API: only its health, for the orchestrator that runs it, and its metrics.
    app.MapEtlWebHealth();
}
else
{
    app.UseEtlWebUi();
    app.MapEtlWebApi();
}

app.MapEtlWebMetrics();

// Taken before the run: the services are disposed when it returns.
var restart = app.Services.GetRequiredService<NodeRestart>();
await app.RunAsync();
return restart.Requested ? NodeRestart.ExitCode : 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
