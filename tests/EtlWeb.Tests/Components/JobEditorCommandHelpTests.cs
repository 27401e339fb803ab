using System.Text.Json;
using Bunit;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Components;

/// <summary>The help under the editor's command line: the desktop tool README's example for the job's type.</summary>
public sealed class JobEditorCommandHelpTests : IAsyncLifetime
{
    private JobEditorHost _host = null!;

    public async Task InitializeAsync() => _host = await JobEditorHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("python", "daily_etl.py", "A script for the interpreter, or a command that names one: e.g. daily_etl.py or python3 daily_etl.py")]
    [InlineData("shell", "./backup.sh", "Run by the shell in the working directory, e.g. ./backup.sh")]
    [InlineData("sql", "psql -U user -d database -f export_data.sql", "The client's command line, e.g. psql -U user -d database -f export_data.sql")]
    public async Task The_command_help_shows_the_desktop_example_for_the_jobs_type(string type, string command, string help)
    {
        using var admin = Acting.AsAdmin();
        var document = JsonSerializer.Deserialize<JobDocument>($$"""{"name":"Example","job_type":"{{type}}","command":"{{command}}"}""")!;
        var saved = await _host.Catalog.CreateAsync(document);

        _ = _host.OpenEditorAsync(saved.Id);

        var input = _host.Dialogs.Find("[data-testid=field-command]");
        Assert.Equal(help, input.Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text")?.TextContent.Trim());
    }
}
