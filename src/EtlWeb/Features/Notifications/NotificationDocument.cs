using System.Text.Json.Serialization;
using EtlWeb.Data;

namespace EtlWeb.Features.Notifications;

/// <summary>One notification of a run as the API shows it: recipient, kind, and how delivery went.</summary>
public sealed record NotificationDocument(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("recipient")] string Recipient,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("response")] string? Response,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt)
{
    public static string KindText(NotificationKind kind) => kind switch
    {
        NotificationKind.LongRunning => "long_running",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static NotificationDocument From(Notification n) => new(
        n.Channel.ToString().ToLowerInvariant(), n.Recipient, KindText(n.Kind), n.Status.ToString().ToLowerInvariant(), n.Attempts,
        n.LastError, n.Response, n.Detail, n.CreatedAt, n.SentAt, n.NextAttemptAt);
}
