namespace EtlWeb.E2E;

/// <summary>EtlWeb started as the Docker image starts it, under docker/etlweb-init, which starts it again after a restart.</summary>
public sealed class SupervisedAppFixture : AppFixture
{
    protected override IReadOnlyList<string>? Launcher => ["sh", Path.Combine(RepositoryRoot, "docker", "etlweb-init")];
}
