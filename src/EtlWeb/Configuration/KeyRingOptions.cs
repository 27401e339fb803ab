using System.ComponentModel;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb:KeyRing</c> section: how the Data Protection key ring is protected at rest.</summary>
public sealed record KeyRingOptions
{
    public const string Section = $"{EtlWebOptions.Section}:KeyRing";

    [Description("A PKCS#12 file (.pfx) whose certificate encrypts the Data Protection key ring at rest (keys/ in the data directory, or the data_protection_keys table on PostgreSQL). Keep the file with the backups: without it the keys, and so the secret values they protect, cannot be read. Empty: the keys are stored unencrypted, readable by EtlWeb's user only.")]
    public string Certificate { get; init; } = "";

    [Description("The password of the Certificate file; empty when it has none. A credential: never shown back.")]
    public string CertificatePassword { get; init; } = "";

    /// <summary>The certificate with its private key, or null when none is configured.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read, the password is wrong, or it has no private key.</exception>
    public X509Certificate2? Load()
    {
        if (Certificate.Length == 0)
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(Certificate, CertificatePassword.Length == 0 ? null : CertificatePassword);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot be read as a PKCS#12 file with the given password ({ex.Message})", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException("the certificate in it has no private key, so it could encrypt the keys but never read them back");
        }

        return certificate;
    }
}
