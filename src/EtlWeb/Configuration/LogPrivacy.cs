using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.File;

namespace EtlWeb.Configuration;

/// <summary>
/// Keeps credentials out of EtlWeb's own log: a webhook token travels in the request path (<c>/api/hooks/whk_...</c>),
/// an API token may be pasted into a query string, and the request log writes paths at Information level.
/// </summary>
public static partial class LogPrivacy
{
    /// <summary>The setup link is printed on purpose: it is how the first administrator gets in.</summary>
    private const string SetupUrlProperty = "SetupUrl";

    /// <summary>A token of EtlWeb's (webhook, API) anywhere, and any query parameter whose name says it is a credential.</summary>
    public static string Redact(string text)
    {
        if (!text.Contains('_', StringComparison.Ordinal) && !text.Contains('=', StringComparison.Ordinal))
        {
            return text;
        }

        var redacted = EtlTokens().Replace(text, match => match.Groups["scheme"].Value + "***");
        return CredentialParameters().Replace(redacted, match => match.Groups["name"].Value + "=***");
    }

    [GeneratedRegex("(?<scheme>\\b(?:whk|etl)_)[A-Za-z0-9_\\-]{32,}")]
    private static partial Regex EtlTokens();

    [GeneratedRegex("(?<name>(?<=^|[?&;\\s])(?:[A-Za-z_]*token|password|secret|api[_-]?key|key|sig|signature))=[^&\\s\"']+", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialParameters();

    /// <summary>Rewrites every string property of an event (the request path among them) with its tokens redacted.</summary>
    public sealed class Enricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            List<LogEventProperty>? changed = null;
            foreach (var (name, value) in logEvent.Properties)
            {
                if (name != SetupUrlProperty && value is ScalarValue { Value: string text } && Redact(text) is var redacted && redacted != text)
                {
                    (changed ??= []).Add(new LogEventProperty(name, new ScalarValue(redacted)));
                }
            }

            foreach (var property in changed ?? [])
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    /// <summary>Each log file is created readable and writable by EtlWeb's user only.</summary>
    public sealed class PrivateFiles : FileLifecycleHooks
    {
        public override Stream OnFileOpened(string path, Stream underlyingStream, System.Text.Encoding encoding)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return underlyingStream;
        }
    }
}
