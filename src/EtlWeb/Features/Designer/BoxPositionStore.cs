using EtlWeb.Data;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Designer;

/// <summary>A job's place in the diagram, in diagram units (pixels at zoom 1).</summary>
public readonly record struct BoxPosition(double X, double Y);

/// <summary>
/// Saves where boxes were put. A position is not part of the job's definition: it changes neither the job's
/// UpdatedAt nor its schedule, and raises no job change (the scheduler and the main screen have nothing to redo).
/// </summary>
public sealed class BoxPositionStore(IDbContextFactory<EtlDbContext> dbFactory, CurrentActor actors, SharedCatalog catalog)
{
    public async Task SaveAsync(IReadOnlyDictionary<int, BoxPosition> positions, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, "move jobs in the designer");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = positions.Keys.ToList();
        foreach (var folder in await db.Jobs.Where(j => ids.Contains(j.Id)).Select(j => j.Folder).Distinct().ToListAsync(cancellationToken))
        {
            actors.Demand(EtlRoles.Admin, "move jobs in the designer", folder);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (id, position) in positions)
        {
            await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(
                set => set.SetProperty(j => j.DesignerX, position.X).SetProperty(j => j.DesignerY, position.Y), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await catalog.MovedAsync(positions.ToDictionary(p => p.Key, p => (p.Value.X, p.Value.Y)));
    }
}
