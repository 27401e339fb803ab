using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb</c> configuration section (appsettings.json, EtlWeb__* variables, --EtlWeb:* flags).</summary>
public sealed record EtlWebOptions
{
    public const string Section = "EtlWeb";

    [Required(AllowEmptyStrings = false)]
    [Description("Where the app database, Hangfire's database, the logs, the key ring and temp files live; created on first start.")]
    public string DataDirectory { get; init; } = "./data";

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public string AppDatabasePath => Path.Combine(FullDataDirectory, "etlweb.db");

    public string HangfireDatabasePath => Path.Combine(FullDataDirectory, "hangfire.db");
}

/// <summary>Kestrel's own top-level <c>Urls</c> key, listed so that --help, the start-up check and appsettings.json cover it.</summary>
public sealed record ListenOptions
{
    public const string Section = "";

    [ListenUrls]
    [Description("Addresses to listen on, separated by ';'. The default is reachable from this machine only; use http://0.0.0.0:5080 to listen on all interfaces.")]
    public string Urls { get; init; } = "http://127.0.0.1:5080";
}
