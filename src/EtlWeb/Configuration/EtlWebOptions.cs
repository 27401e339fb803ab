using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb</c> configuration section (appsettings.json, EtlWeb__* variables, --EtlWeb:* flags).</summary>
public sealed record EtlWebOptions
{
    public const string Section = "EtlWeb";

    /// <summary>Where the app DB, Hangfire's DB and the logs live; created on first start.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; init; } = "./data";

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public string AppDatabasePath => Path.Combine(FullDataDirectory, "etlweb.db");

    public string HangfireDatabasePath => Path.Combine(FullDataDirectory, "hangfire.db");
}
