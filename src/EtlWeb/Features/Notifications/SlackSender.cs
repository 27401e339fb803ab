using EtlWeb.Configuration;

namespace EtlWeb.Features.Notifications;

/// <summary>Posts one message to a Slack incoming webhook; returns Slack's answer, throws <see cref="SlackException"/> on a non-2xx answer.</summary>
public sealed class SlackSender(IHttpClientFactory clients)
{
    public const string ClientName = "slack";

    public async Task<string> SendAsync(SlackOptions options, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        using var response = await client.PostAsJsonAsync(options.WebhookUrl, message.Slack, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new SlackException((int)response.StatusCode, body);
        }

        return $"Slack answered {(int)response.StatusCode}: {body}";
    }
}

public sealed class SlackException(int status, string body) : Exception($"Slack answered {status}: {body}")
{
    public int Status { get; } = status;
}
