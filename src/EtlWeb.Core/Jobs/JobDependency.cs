namespace EtlWeb.Core.Jobs;

/// <summary>An edge upstream -> downstream: the downstream job runs after the upstream succeeded.</summary>
public sealed class JobDependency
{
    public int UpstreamJobId { get; set; }

    public int DownstreamJobId { get; set; }
}
