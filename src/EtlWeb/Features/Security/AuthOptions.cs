using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Features.Security;

/// <summary>The <c>EtlWeb:Auth</c> section.</summary>
public sealed record AuthOptions : IValidatableObject
{
    public const string Section = "EtlWeb:Auth";

    /// <summary>
    /// An Admin API token provisioned from configuration (<c>EtlWeb__Auth__BootstrapToken</c>), so automation can
    /// set up a fresh container without a browser. Unset: no such token.
    /// </summary>
    public string? BootstrapToken { get; init; }

    /// <summary>Failed sign-ins in a row before an account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; init; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; init; } = 15;

    /// <summary>How long a sign-in lasts without activity.</summary>
    [Range(5, 30 * 24 * 60)]
    public int SessionMinutes { get; init; } = 8 * 60;

    /// <summary>An empty value (as a compose file passes for an unset variable) means no bootstrap token.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BootstrapToken is { Length: > 0 and < 32 })
        {
            yield return new ValidationResult(
                "EtlWeb:Auth:BootstrapToken must be at least 32 characters long; generate one with `openssl rand -base64 32`.",
                [nameof(BootstrapToken)]);
        }
    }
}
