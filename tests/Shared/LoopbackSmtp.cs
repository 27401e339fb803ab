using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EtlWeb.Testing;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a free loopback port that keeps what it receives. With a user it
/// demands that login; with <c>startTls</c> it offers STARTTLS with a self-signed certificate made here and
/// accepts a login only over TLS.
/// </summary>
public sealed class LoopbackSmtp : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;

    /// <param name="port">A given port, for a server that comes up where an earlier try found none; else a free one.</param>
    public LoopbackSmtp(string? user = null, string? password = null, bool startTls = false, int? port = null)
    {
        Port = port ?? FreePort();
        if (startTls)
        {
            Certificate = SelfSignedCertificate();
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                    .AuthenticationRequired(user is not null)
                    .AllowUnsecureAuthentication(!startTls);
                if (Certificate is not null)
                {
                    endpoint.Certificate(Certificate);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        services.Add(new DelegatingUserAuthenticator((name, secret) => user is null || (name == user && secret == password)));
        _server = new SmtpServer.SmtpServer(options, services);
        _ = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>The self-signed certificate STARTTLS presents; null without STARTTLS.</summary>
    public X509Certificate2? Certificate { get; }

    public string CertificateSha256 => Certificate?.GetCertHashString(HashAlgorithmName.SHA256) ?? "";

    public ArrivalQueue<MimeMessage> Messages { get; } = new();

    /// <summary>A port nothing listens on (taken from the OS, then released).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits until <paramref name="count"/> messages have arrived.</summary>
    public Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        Messages.WaitForAsync(count, timeout ?? TimeSpan.FromSeconds(30), "message(s)");

    public void Dispose()
    {
        _stop.Cancel();
        _server.Shutdown();
        _stop.Dispose();
        Certificate?.Dispose();
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = TimeProvider.System.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        // Through PKCS#12, so SslStream gets a certificate whose private key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private sealed class Store(ArrivalQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Add(await MimeMessage.LoadAsync(stream, cancellationToken));
            return new SmtpResponse(SmtpReplyCode.Ok, "queued as loopback-" + messages.Count);
        }
    }
}
