namespace EtlWeb.Tests.Support;

/// <summary>A test class with its own EtlWeb host (a real SQLite file in a fresh temp directory) and a client for it.</summary>
public abstract class HostTest(EtlWebFactory factory) : IAsyncLifetime
{
    protected HostTest()
        : this(new EtlWebFactory())
    {
    }

    protected EtlWebFactory Factory { get; } = factory;

    protected HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    // The factory disposes the clients it created, and runs even when the host failed to start.
    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
