using System.Security.Cryptography;
using EtlWeb.Core.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>
/// Seals connection passwords for the database (Data Protection, the keys in the data directory) and opens them for
/// the one place that needs them in the clear: the client an attempt or a connection test starts.
/// </summary>
public sealed class ConnectionVault(IDataProtectionProvider protection, IDbContextFactory<EtlDbContext> dbFactory)
{
    private readonly IDataProtector _protector = protection.CreateProtector("EtlWeb.Connections.Password.v1");

    public string Seal(string password) => password.Length == 0 ? "" : _protector.Protect(password);

    /// <summary>The connection named <paramref name="name"/> with its password in the clear; null when there is none.</summary>
    /// <exception cref="InvalidOperationException">Its password was sealed with a key this data directory no longer has.</exception>
    public async Task<SqlTarget?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is { } connection ? Open(connection) : null;
    }

    /// <inheritdoc cref="OpenAsync"/>
    public SqlTarget Open(Connection connection)
    {
        try
        {
            return connection.Open(connection.SealedPassword.Length == 0 ? "" : _protector.Unprotect(connection.SealedPassword));
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException(
                $"The password of connection '{connection.Name}' cannot be read: the key that encrypted it is not in this data directory's keys/. Set the password again on the Connections page.");
        }
    }
}
