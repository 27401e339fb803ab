using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Features.Account;

public sealed class SignInInput
{
    [Required(ErrorMessage = "Enter your user name.")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    public string Password { get; set; } = "";
}

public sealed class NewAccountInput
{
    [Required(ErrorMessage = "Choose a user name.")]
    [StringLength(64, ErrorMessage = "A user name has at most 64 characters.")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    public string Confirm { get; set; } = "";
}

public sealed class ChangePasswordInput
{
    [Required(ErrorMessage = "Enter your current password.")]
    public string Current { get; set; } = "";

    [Required(ErrorMessage = "Choose a new password.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    public string Confirm { get; set; } = "";
}

public static class AccountUrls
{
    /// <summary>The return address if it stays on this site, else the main screen: no open redirect.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
