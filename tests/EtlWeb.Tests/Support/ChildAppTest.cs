using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Support;

/// <summary>A test that runs EtlWeb as a child process (<see cref="AppProcess"/>) in a data directory of its own, removed afterwards.</summary>
public abstract class ChildAppTest : IDisposable
{
    protected string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "etlweb-tests", "child-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        // Tests read the app DB directly; pooled connections would keep the files open.
        SqliteConnection.ClearAllPools();
        LeftOverCgroups.Remove(DataDirectory);
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
