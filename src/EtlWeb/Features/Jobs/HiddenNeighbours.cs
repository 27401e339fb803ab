using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>How many upstream and downstream links a job has to jobs in folders the acting user may not see.</summary>
public sealed record HiddenLinkCount(int Upstream, int Downstream);

/// <summary>
/// Counts a job's links to hidden jobs, which the user is shown as "a hidden job": the links are real (the job waits for
/// them), only whom they lead to is not the user's to know. The dependency rows are not filtered by folder, the jobs are.
/// </summary>
public sealed class HiddenNeighbours(IDbContextFactory<EtlDbContext> dbFactory)
{
    public async Task<HiddenLinkCount> CountAsync(int jobId, CancellationToken cancellationToken = default)
    {
        if (FolderVisibility.Current is null)
        {
            return new HiddenLinkCount(0, 0);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var upstream = await db.Dependencies.CountAsync(d => d.DownstreamJobId == jobId && !db.Jobs.Any(j => j.Id == d.UpstreamJobId), cancellationToken);
        var downstream = await db.Dependencies.CountAsync(d => d.UpstreamJobId == jobId && !db.Jobs.Any(j => j.Id == d.DownstreamJobId), cancellationToken);
        return new HiddenLinkCount(upstream, downstream);
    }
}
