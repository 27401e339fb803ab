using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The dependencies between jobs the user sees and jobs they may not see: the dependency rows are not filtered by
/// folder, the jobs are, so an edge with one end missing from the visible jobs leads to a hidden job.
/// </summary>
public sealed class HiddenNeighbourReader(IDbContextFactory<EtlDbContext> dbFactory)
{
    public async Task<IReadOnlyList<HiddenNeighbour>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var visible = (await db.Jobs.AsNoTracking().Select(j => j.Id).ToListAsync(cancellationToken)).ToHashSet();
        var edges = await db.Dependencies.AsNoTracking().Select(d => new { d.UpstreamJobId, d.DownstreamJobId }).ToListAsync(cancellationToken);
        return [.. edges.Where(e => visible.Contains(e.UpstreamJobId) != visible.Contains(e.DownstreamJobId))
            .Select(e => visible.Contains(e.DownstreamJobId) ? new HiddenNeighbour(e.DownstreamJobId, HiddenIsUpstream: true) : new HiddenNeighbour(e.UpstreamJobId, HiddenIsUpstream: false))
            .Distinct()];
    }
}
