using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EtlWeb.Configuration;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Configuration;

/// <summary>A first start on a fresh data directory is quiet, and the key ring can be encrypted at rest with a certificate from configuration.</summary>
public sealed class KeyRingTests : ChildAppTest
{
    private string KeysDirectory => Path.Combine(DataDirectory, "keys");

    private string CertificateFile => DataDirectory + "-keyring.pfx";

    private static bool IsWarningOrError(string line) => line.Contains(" WRN] ", StringComparison.Ordinal) || line.Contains(" ERR] ", StringComparison.Ordinal) || line.Contains(" FTL] ", StringComparison.Ordinal);

    /// <summary>Starts EtlWeb, opens the sign-in page (its form is protected with a key) and waits for the key file.</summary>
    private async Task<(AppProcess App, string KeyXml)> StartWithAKeyAsync(IDictionary<string, string>? settings = null)
    {
        var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress(), settings);
        using var client = app.CreateClient();
        using var page = await client.GetAsync(new Uri("/account/login", UriKind.Relative));
        Assert.True(page.IsSuccessStatusCode, $"GET /account/login: {(int)page.StatusCode}");
        await app.WaitForOutputAsync(line => line.Contains("No user exists yet", StringComparison.Ordinal));
        var key = Assert.Single(Directory.GetFiles(KeysDirectory, "key-*.xml"));
        return (app, await File.ReadAllTextAsync(key));
    }

    private Dictionary<string, string> WithCertificate(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=EtlWeb key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddYears(1));
        File.WriteAllBytes(CertificateFile, certificate.Export(X509ContentType.Pfx, password));
        return new() { ["EtlWeb__KeyRing__Certificate"] = CertificateFile, ["EtlWeb__KeyRing__CertificatePassword"] = password };
    }

    [Fact]
    public async Task A_first_start_logs_no_warning_and_says_in_one_line_where_the_unencrypted_keys_live()
    {
        var (app, key) = await StartWithAKeyAsync();
        await using (app)
        {
            var note = await app.WaitForOutputAsync(line => line.Contains("The Data Protection key ring", StringComparison.Ordinal));

            Assert.Contains(" INF] ", note, StringComparison.Ordinal);
            Assert.Contains(KeysDirectory, note, StringComparison.Ordinal);
            Assert.Contains("EtlWeb:KeyRing:Certificate", note, StringComparison.Ordinal);
            Assert.Contains("<masterKey", key, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Output, IsWarningOrError);
        }
    }

    [Fact]
    public async Task A_certificate_from_configuration_encrypts_the_keys_at_rest_and_the_next_start_reads_them()
    {
        var settings = WithCertificate("correct horse");
        try
        {
            var (first, key) = await StartWithAKeyAsync(settings);
            await using (first)
            {
                Assert.Contains("<encryptedSecret", key, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
                Assert.Contains("encrypted at rest", await first.WaitForOutputAsync(line => line.Contains("The Data Protection key ring", StringComparison.Ordinal)), StringComparison.Ordinal);
                await first.StopGracefullyAsync();
            }

            // A key that could not be decrypted would be logged and replaced by a second one.
            var (second, sameKey) = await StartWithAKeyAsync(settings);
            await using (second)
            {
                Assert.Equal(key, sameKey);
                Assert.DoesNotContain(second.Output, IsWarningOrError);
            }
        }
        finally
        {
            File.Delete(CertificateFile);
        }
    }

    [Fact]
    public async Task A_wrong_certificate_password_stops_the_start_naming_the_setting()
    {
        var settings = WithCertificate("correct horse");
        settings["EtlWeb__KeyRing__CertificatePassword"] = "battery staple";
        settings["EtlWeb__DataDirectory"] = DataDirectory;
        try
        {
            var run = await EtlWebCommand.RunAsync([], settings);

            Assert.Equal(StartupCommands.BadConfiguration, run.ExitCode);
            Assert.Contains($"EtlWeb:KeyRing:Certificate = \"{CertificateFile}\"", run.Error, StringComparison.Ordinal);
            Assert.Contains("cannot be read as a PKCS#12 file with the given password", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("battery staple", run.Error + run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(CertificateFile);
        }
    }
}
