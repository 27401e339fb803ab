using EtlWeb.Api;
using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Features;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Notifications;
using EtlWeb.Features.Security;
using EtlWeb.Orchestration;

var builder = WebApplication.CreateBuilder(args);
builder.AddEtlWebLogging();
builder.Services.AddEtlWebOptions();
builder.Services.AddEtlWebData();
builder.Services.AddEtlWebSecurity();
builder.Services.AddJobCatalog();
builder.Services.AddEtlWebOrchestration();
builder.Services.AddEtlWebNotifications();
builder.Services.AddEtlWebApi();
builder.AddEtlWebUi();

var app = builder.Build();
await app.Services.MigrateEtlWebDatabaseAsync();
app.UseEtlWebUi();
app.MapEtlWebApi();
await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
