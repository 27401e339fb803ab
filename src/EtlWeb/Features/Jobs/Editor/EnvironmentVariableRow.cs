namespace EtlWeb.Features.Jobs.Editor;

/// <summary>One environment variable as the editor shows it: a name, a value and whether it is secret.</summary>
public sealed class EnvironmentVariableRow
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";

    public bool Secret { get; set; }

    /// <summary>The name under which the server holds a secret value that the browser never sees; null for other rows.</summary>
    public string? StoredSecretName { get; init; }

    /// <summary>
    /// True while the row stands for the stored secret unchanged: the document then names it in secret_environment
    /// without a value, and the catalogue keeps the stored one.
    /// </summary>
    public bool KeepsStoredValue =>
        Secret && Value.Length == 0 && StoredSecretName is not null && string.Equals(Name.Trim(), StoredSecretName, StringComparison.Ordinal);
}
