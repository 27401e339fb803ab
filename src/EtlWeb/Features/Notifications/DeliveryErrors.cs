using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EtlWeb.Features.Notifications;

/// <summary>Turns what MailKit, sockets and HttpClient throw into the sentence an admin can act on.</summary>
public static class DeliveryErrors
{
    public static string Describe(Exception exception, string host, int port) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"Connection refused by {host}:{port}",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => $"Host not found: {host}",
        SocketException { SocketErrorCode: SocketError.TimedOut } => $"Connection to {host}:{port} timed out",
        SocketException socket => $"Cannot connect to {host}:{port}: {socket.Message}",
        MailKit.Security.AuthenticationException auth => $"Authentication failed: {auth.Message}",
        SslHandshakeException tls => $"TLS error: {FirstLine(tls.Message)}{Inner(tls)}",
        System.Security.Authentication.AuthenticationException tls => $"TLS error: {tls.Message}",
        SmtpCommandException command => $"The server refused the message ({(int)command.StatusCode}): {command.Message}",
        SmtpProtocolException protocol => $"SMTP protocol error: {protocol.Message}",
        ServiceNotConnectedException => $"The connection to {host}:{port} was closed",
        SlackException slack => slack.Message,
        HttpRequestException { InnerException: SocketException socket } => Describe(socket, host, port),
        HttpRequestException http => $"HTTP error: {http.Message}",
        TaskCanceledException or OperationCanceledException or TimeoutException => $"No answer from {host}:{port} in time",
        NotSupportedException unsupported => $"Not supported by the server: {unsupported.Message}",
        IOException { InnerException: SocketException socket } => Describe(socket, host, port),
        _ => exception.Message,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string Inner(Exception exception) =>
        exception.InnerException is { } inner ? $" ({FirstLine(inner.Message)})" : "";
}
