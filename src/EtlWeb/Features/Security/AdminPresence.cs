using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>
/// Whether an Admin account exists, for the bootstrap token, which stops working then. Once one does, the answer is
/// kept: the last Admin can be neither demoted nor deleted, so the database is not asked on every API call.
/// </summary>
public sealed class AdminPresence(IDbContextFactory<EtlDbContext> dbFactory)
{
    private volatile bool _exists;

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        if (_exists)
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        _exists = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).AnyAsync(name => name == EtlRoles.Admin, cancellationToken);
        return _exists;
    }
}
