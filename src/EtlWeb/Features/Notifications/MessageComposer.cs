using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EtlWeb.Data;

namespace EtlWeb.Features.Notifications;

/// <summary>Writes a notification three ways: a plain-text part and an HTML part for email, and Slack blocks.</summary>
public static class MessageComposer
{
    public static string Headline(NotificationKind kind, RunSummary run) => kind switch
    {
        NotificationKind.Success => $"{run.JobName} succeeded",
        NotificationKind.Recovered => $"{run.JobName} recovered",
        NotificationKind.Streak => $"{run.JobName} keeps failing",
        NotificationKind.LongRunning => $"{run.JobName} is running longer than usual",
        NotificationKind.Missed => $"{run.JobName} did not run",
        _ => $"{run.JobName} {Verb(run.Status)}",
    };

    public static OutgoingMessage Compose(NotificationKind kind, RunSummary run)
    {
        var headline = Headline(kind, run);
        var subject = $"[EtlWeb] {headline}";
        var facts = Facts(run);
        return new OutgoingMessage(subject, Text(headline, run, facts), Html(kind, headline, run, facts), Slack(kind, headline, run, facts));
    }

    private static string Verb(string status) => status switch
    {
        "Failed" => "failed",
        "TimedOut" => "timed out",
        "Cancelled" => "was cancelled",
        "UpstreamFailed" => "did not run: an upstream job failed",
        "Interrupted" => "was interrupted",
        _ => status,
    };

    private static List<(string Label, string Value)> Facts(RunSummary run)
    {
        var facts = new List<(string, string)>
        {
            ("Job", run.JobName),
            ("Status", run.Status),
            ("Trigger", run.Trigger),
            ("Attempts", run.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Started", run.StartedText),
            ("Duration", run.DurationText),
            ("Exit code", run.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"),
        };
        if (!string.IsNullOrWhiteSpace(run.Reason))
        {
            facts.Add(("Reason", run.Reason));
        }

        return facts;
    }

    private static string Text(string headline, RunSummary run, List<(string Label, string Value)> facts)
    {
        var text = new StringBuilder().AppendLine(headline);
        if (run.Detail.Length > 0)
        {
            text.AppendLine(run.Detail);
        }

        text.AppendLine();
        foreach (var (label, value) in facts)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (run.LastLines.Count > 0)
        {
            text.AppendLine().AppendLine($"Last {run.LastLines.Count} log lines:");
            foreach (var line in run.LastLines)
            {
                text.Append("  ").AppendLine(line);
            }
        }

        return text.AppendLine().Append("Open the run: ").AppendLine(run.Link).ToString();
    }

    private static string Html(NotificationKind kind, string headline, RunSummary run, List<(string Label, string Value)> facts)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var colour = kind is NotificationKind.Success or NotificationKind.Recovered ? "#2e7d32" : kind == NotificationKind.LongRunning ? "#ed6c02" : "#c62828";
        var html = new StringBuilder()
            .Append("<div style=\"font-family:Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:14px;color:#212121\">")
            .Append($"<h2 style=\"margin:0 0 8px;color:{colour}\">{E(headline)}</h2>");
        if (run.Detail.Length > 0)
        {
            html.Append($"<p style=\"margin:0 0 8px\">{E(run.Detail)}</p>");
        }

        html.Append("<table style=\"border-collapse:collapse\">");
        foreach (var (label, value) in facts)
        {
            html.Append($"<tr><td style=\"padding:2px 12px 2px 0;color:#616161\">{E(label)}</td><td style=\"padding:2px 0\">{E(value)}</td></tr>");
        }

        html.Append("</table>");
        if (run.LastLines.Count > 0)
        {
            html.Append($"<p style=\"margin:12px 0 4px;color:#616161\">Last {run.LastLines.Count} log lines</p>")
                .Append("<pre style=\"background:#263238;color:#eceff1;padding:8px;border-radius:4px;font-size:12px;white-space:pre-wrap\">")
                .Append(E(string.Join('\n', run.LastLines)))
                .Append("</pre>");
        }

        return html.Append($"<p><a href=\"{E(run.Link)}\">Open the run in EtlWeb</a></p></div>").ToString();
    }

    private static JsonObject Slack(NotificationKind kind, string headline, RunSummary run, List<(string Label, string Value)> facts)
    {
        var emoji = kind switch
        {
            NotificationKind.Success or NotificationKind.Recovered => ":white_check_mark:",
            NotificationKind.LongRunning => ":hourglass_flowing_sand:",
            NotificationKind.Missed => ":calendar:",
            _ => ":x:",
        };
        var title = $"{emoji} *{Escape(headline)}*" + (run.Detail.Length > 0 ? "\n" + Escape(run.Detail) : "");
        var fields = new JsonArray([.. facts.Where(f => f.Label != "Job").Select(f => (JsonNode)new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*{f.Label}*\n{Escape(f.Value)}" })]);
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = title } },
            new JsonObject { ["type"] = "section", ["fields"] = fields },
        };
        if (run.LastLines.Count > 0)
        {
            // Slack caps a text block at 3000 characters; the end of the log is the part worth keeping.
            var log = string.Join('\n', run.LastLines).Replace("```", "'''", StringComparison.Ordinal);
            log = log.Length > 2800 ? "…" + log[^2800..] : log;
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"```{log}```" } });
        }

        blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"<{run.Link}|Open the run in EtlWeb>" } });
        return new JsonObject { ["text"] = $"{emoji} {headline}", ["blocks"] = blocks };
    }

    // Slack's mrkdwn treats &, < and > as control characters.
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
