using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb:Auth</c> section.</summary>
public sealed record AuthOptions
{
    public const string Section = "EtlWeb:Auth";

    [EmptyOrLongSecret(32)]
    [Description("An Admin API token from configuration (32 characters or more), so automation can set up a fresh install without a browser: EtlWeb__Auth__BootstrapToken=$(openssl rand -base64 32). Empty: no such token.")]
    public string BootstrapToken { get; init; } = "";

    [Description("Keep accepting the bootstrap token after an Admin account exists. false: it stops working once the first Admin is made, so a token in a container's environment does not stay an Admin credential forever.")]
    public bool KeepBootstrapToken { get; init; }

    [Range(1, 100)]
    [Description("Failed sign-ins in a row, from one address to one account, before that account is locked for that address (the owner elsewhere can still sign in).")]
    public int MaxFailedSignIns { get; init; } = 5;

    [Range(1, 24 * 60)]
    [Description("Minutes a lockout lasts; an Admin can unlock at once on the Users page.")]
    public int LockoutMinutes { get; init; } = 15;

    [Range(1, 10000)]
    [Description("Sign-in and setup form posts one client address may make per minute; more are answered 429 with Retry-After.")]
    public int SignInsPerMinute { get; init; } = 10;

    [Range(5, 30 * 24 * 60)]
    [Description("Minutes a sign-in lasts without activity.")]
    public int SessionMinutes { get; init; } = 8 * 60;
}
