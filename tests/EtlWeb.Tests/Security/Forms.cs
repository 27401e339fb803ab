using System.Net;
using System.Text.RegularExpressions;

namespace EtlWeb.Tests.Security;

/// <summary>
/// Posts a server-rendered form as a browser would: the page's hidden inputs (the antiforgery token and Blazor's
/// <c>_handler</c>) plus the fields given, to the page's own address.
/// </summary>
internal static partial class Forms
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string url, IReadOnlyDictionary<string, string> fields)
    {
        using var page = await client.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)page.StatusCode} {html}");
        var form = HiddenInputs(html);
        Assert.True(form.ContainsKey(AntiforgeryField) && form.ContainsKey("_handler"), $"No antiforgery token or _handler in the form of {url}: {html}");
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(url, UriKind.RelativeOrAbsolute), content);
    }

    /// <summary>The hidden inputs of the page by name, values decoded.</summary>
    public static Dictionary<string, string> HiddenInputs(string html)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(a => a.Groups["name"].Value, a => WebUtility.HtmlDecode(a.Groups["value"].Value), StringComparer.OrdinalIgnoreCase);
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                inputs[name] = attributes.GetValueOrDefault("value") ?? "";
            }
        }

        return inputs;
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<name>[\\w:.-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();
}
