using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>Empty, or an absolute http:// or https:// address.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AbsoluteHttpUrlAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not string { Length: > 0 } text || IsHttpUrl(text);

    internal static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    public override string FormatErrorMessage(string name) => "must be an absolute http:// or https:// address";
}

/// <summary>Kestrel's <c>Urls</c>: one or more http(s) addresses separated by ';', where the host may be a wildcard.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListenUrlsAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is string { Length: > 0 } text
        && text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(url => AbsoluteHttpUrlAttribute.IsHttpUrl(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)));

    public override string FormatErrorMessage(string name) => "must be one or more http:// or https:// addresses separated by ';', e.g. http://127.0.0.1:5080";
}

/// <summary>Empty, or at least <see cref="Length"/> characters: a secret short enough to guess is refused.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EmptyOrLongSecretAttribute(int length) : ValidationAttribute
{
    public int Length { get; } = length;

    public override bool IsValid(object? value) => value is not string { Length: > 0 } text || text.Length >= Length;

    public override string FormatErrorMessage(string name) => $"must be at least {Length} characters long; generate one with `openssl rand -base64 32`";
}

/// <summary>Empty, or addresses and networks (<c>10.0.0.5</c>, <c>172.16.0.0/12</c>) separated by ',' or ';'.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AddressListAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is not string text || ProxyOptions.Split(text).All(entry => System.Net.IPNetwork.TryParse(entry, out _) || System.Net.IPAddress.TryParse(entry, out _));

    public override string FormatErrorMessage(string name) =>
        "must be IP addresses or networks separated by ',', e.g. 127.0.0.1, 172.16.0.0/12";
}

/// <summary>Variable names (or NAME*) separated by ',', none of them EtlWeb's own configuration.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PassedVariablesAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        Core.Execution.InheritedEnvironment.Problems(Core.Execution.InheritedEnvironment.ParseNames(value as string)).Count == 0;

    public override string FormatErrorMessage(string name) =>
        "must be variable names (letters, digits and _; a trailing * matches any ending) separated by ','; "
        + string.Join(", ", Core.Execution.InheritedEnvironment.Forbidden) + " are never passed on";
}
