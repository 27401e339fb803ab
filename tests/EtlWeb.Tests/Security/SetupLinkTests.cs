using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlWeb.Security;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Security;

/// <summary>The first administrator through the link EtlWeb prints, and sign-in over real HTTP, against EtlWeb as a child process.</summary>
public sealed partial class SetupLinkTests : ChildAppTest
{
    private const string SetupInvalid = "data-testid=\"setup-invalid\"";

    [Fact]
    public async Task The_logged_setup_link_creates_the_administrator_signs_them_in_and_then_answers_not_valid()
    {
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress());
        var link = await SetupLinkAsync(app);
        Assert.StartsWith(new Uri(app.Address, "/account/setup?token=").ToString(), link, StringComparison.Ordinal);
        using var browser = Browser(app);
        using var late = Browser(app);
        var lateForm = Forms.HiddenInputs(await late.GetStringAsync(new Uri(link)));

        using var response = await Forms.SubmitAsync(browser, link, NewAccount("root"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.AbsolutePath);
        var users = (await browser.GetFromJsonAsync<JsonArray>(new Uri("/api/users", UriKind.Relative)))!;
        Assert.Equal(("root", EtlRoles.Admin), (users.Single()!["name"]!.GetValue<string>(), users.Single()!["role"]!.GetValue<string>()));
        Assert.Contains(SetupInvalid, await browser.GetStringAsync(new Uri(link)), StringComparison.Ordinal);
        Assert.Contains(SetupInvalid, await late.GetStringAsync(new Uri(link)), StringComparison.Ordinal);

        // A second visitor who opened the form before the first one submitted cannot make another account.
        using var replay = await late.PostAsync(new Uri(link), new FormUrlEncodedContent(lateForm.Concat(NewAccount("mallory"))));
        Assert.NotEqual(HttpStatusCode.Redirect, replay.StatusCode);
        using var admin = app.CreateClient();
        Assert.Equal(["root"], (await admin.GetFromJsonAsync<JsonArray>(new Uri("/api/users", UriKind.Relative)))!.Select(u => u!["name"]!.GetValue<string>()));
        Assert.Contains((AuditActions.UserCreated, "root", "root", "127.0.0.1"), AuditEntries());
    }

    [Fact]
    public async Task Behind_a_reverse_proxy_the_setup_link_starts_with_the_configured_public_address()
    {
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress(),
            new Dictionary<string, string> { ["EtlWeb__PublicUrl"] = "https://etl.example.com/" });

        var link = await SetupLinkAsync(app);

        Assert.StartsWith("https://etl.example.com/account/setup?token=", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setup_link_stops_working_once_a_user_exists_even_one_created_through_the_API()
    {
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress());
        var link = await SetupLinkAsync(app);
        using var admin = app.CreateClient();

        using (var created = await admin.PostAsJsonAsync(new Uri("/api/users", UriKind.Relative), new { name = "ann", role = EtlRoles.Admin, password = Accounts.Password }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var browser = Browser(app);
        Assert.Contains(SetupInvalid, await browser.GetStringAsync(new Uri(link)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restart_without_users_prints_a_new_link_and_the_old_one_no_longer_works()
    {
        var address = EtlWebChild.FreeAddress();
        string first;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address))
        {
            first = await SetupLinkAsync(app);
            await app.StopGracefullyAsync();
        }

        await using var restarted = await AppProcess.StartAsync(DataDirectory, address);
        var second = await SetupLinkAsync(restarted);
        using var browser = Browser(restarted);

        Assert.NotEqual(first, second);
        Assert.Contains(SetupInvalid, await browser.GetStringAsync(new Uri(first)), StringComparison.Ordinal);
        Assert.DoesNotContain(SetupInvalid, await browser.GetStringAsync(new Uri(second)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_ins_and_failed_sign_ins_are_audited_with_the_browsers_address()
    {
        await using var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress());
        using var admin = app.CreateClient();
        using (var created = await admin.PostAsJsonAsync(new Uri("/api/users", UriKind.Relative), new { name = "ann", role = EtlRoles.Viewer, password = Accounts.Password }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var browser = Browser(app);
        var signIn = new Uri(app.Address, "/account/login").ToString();
        (await Forms.SubmitAsync(browser, signIn, new Dictionary<string, string> { ["Input.UserName"] = "ann", ["Input.Password"] = "not the password" })).Dispose();
        using var right = await Forms.SubmitAsync(browser, signIn, new Dictionary<string, string> { ["Input.UserName"] = "ann", ["Input.Password"] = Accounts.Password });

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var entries = AuditEntries();
        Assert.Contains((AuditActions.SignInFailed, "ann", "ann", "127.0.0.1"), entries);
        Assert.Contains((AuditActions.SignIn, "ann", "ann", "127.0.0.1"), entries);
    }

    private static async Task<string> SetupLinkAsync(AppProcess app) =>
        SetupUrl().Match(await app.WaitForOutputAsync(line => SetupUrl().IsMatch(line))).Value;

    private static Dictionary<string, string> NewAccount(string name) => new()
    {
        ["Input.UserName"] = name,
        ["Input.Password"] = Accounts.Password,
        ["Input.Confirm"] = Accounts.Password,
    };

    /// <summary>Keeps cookies and does not follow redirects, so each answer can be looked at.</summary>
    private static HttpClient Browser(AppProcess app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = app.Address };

    /// <summary>The audit log as the child wrote it: action, actor, target and address of each entry.</summary>
    private List<(string Action, string Actor, string Target, string? Address)> AuditEntries()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "etlweb.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Action, Actor, Target, Address FROM audit_log ORDER BY Id";
        using var reader = command.ExecuteReader();
        var entries = new List<(string, string, string, string?)>();
        while (reader.Read())
        {
            entries.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return entries;
    }

    [GeneratedRegex(@"https?://\S+/account/setup\?token=[0-9a-f]+")]
    private static partial Regex SetupUrl();
}
