using System.Buffers.Text;
using System.Net;
using System.Text;
using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Execution;

public sealed class SecretMaskerTests
{
    /// <summary>Its base64 holds '/' at one alignment, and its URL encodings differ by library.</summary>
    private const string Secret = "p@ss w0rd/Ünïcode+x";

    private static readonly SecretMasker Masker = new([Secret]);

    [Fact]
    public void Every_occurrence_of_the_plain_value_is_masked()
    {
        Assert.Equal("a=*** b=***!", Masker.Mask($"a={Secret} b={Secret}!"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("x", "")]
    [InlineData("xy", "")]
    [InlineData("", "\n")]
    [InlineData("ab", "\n")]
    [InlineData("xyz", "more data after the secret")]
    public void Base64_shows_at_most_a_few_edge_characters_of_the_value_at_every_alignment(string before, string after)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(before + Secret + after));

        AssertOnlyEdgesVisible(Masker.Mask(encoded), before, after);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("xy")]
    public void Base64url_is_masked_at_every_alignment(string before)
    {
        var encoded = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(before + Secret));

        AssertOnlyEdgesVisible(Masker.Mask(encoded), before, "");
    }

    [Fact]
    public void The_whole_encoding_with_its_padding_is_masked_as_one()
    {
        var masker = new SecretMasker(["hunter22"]);

        Assert.Equal("key: ***", masker.Mask("key: aHVudGVyMjI="));
    }

    [Theory]
    [InlineData("p%40ss%20w0rd%2F%C3%9Cn%C3%AFcode%2Bx")]
    [InlineData("p%40ss+w0rd%2F%C3%9Cn%C3%AFcode%2Bx")]
    [InlineData("p%40ss%20w0rd/%C3%9Cn%C3%AFcode%2Bx")]
    public void Url_encoded_forms_are_masked(string encoded)
    {
        Assert.Equal("GET /?q=***&page=2", Masker.Mask($"GET /?q={encoded}&page=2"));
    }

    [Fact]
    public void The_url_encoders_of_dotnet_are_covered()
    {
        Assert.Equal("***", Masker.Mask(Uri.EscapeDataString(Secret)));
        Assert.Equal("***", Masker.Mask(WebUtility.UrlEncode(Secret)));
    }

    [Fact]
    public void Several_secrets_are_all_masked()
    {
        var masker = new SecretMasker(["alpha-key", "beta-token", Secret]);

        Assert.Equal("*** *** ***", masker.Mask($"beta-token {Secret} alpha-key"));
    }

    [Fact]
    public void Overlapping_secrets_are_masked_as_one_stretch()
    {
        var masker = new SecretMasker(["abcdef", "defghi"]);

        Assert.Equal("x *** y", masker.Mask("x abcdefghi y"));
    }

    [Fact]
    public void A_secret_that_contains_another_is_masked_whole()
    {
        var masker = new SecretMasker(["token", "token-extended"]);

        Assert.Equal("*** and ***", masker.Mask("token-extended and token"));
    }

    [Fact]
    public void Each_line_of_a_multi_line_secret_is_masked()
    {
        string[] lines = ["-----BEGIN KEY-----", "MIIEvQIBADANBg", "kqhkiG9w0BAQEF", "-----END KEY-----"];
        var masker = new SecretMasker([string.Join("\r\n", lines)]);

        Assert.All(lines, line => Assert.Equal("***", masker.Mask(line)));
    }

    [Fact]
    public void Values_shorter_than_three_characters_are_ignored()
    {
        var masker = new SecretMasker(["1", "no", ""]);
        const string text = "1 no MQ== bm8=";

        Assert.Same(text, masker.Mask(text));
    }

    [Fact]
    public void Without_secrets_the_same_string_instance_comes_back()
    {
        var text = new string('a', 100);

        Assert.Same(text, new SecretMasker([]).Mask(text));
    }

    [Fact]
    public void A_line_without_a_secret_comes_back_as_the_same_instance()
    {
        const string text = "row 42 loaded in 3 ms";

        Assert.Same(text, Masker.Mask(text));
    }

    /// <summary>
    /// At most the characters that encode the bytes around the value, plus the few that mix those bytes with the
    /// value's own: the value's encoding, 28 characters, must be gone.
    /// </summary>
    private static void AssertOnlyEdgesVisible(string masked, string before, string after)
    {
        Assert.Contains("***", masked, StringComparison.Ordinal);
        var visible = masked.Replace("***", "", StringComparison.Ordinal).Length;
        Assert.True(visible <= Base64Length(before) + Base64Length(after) + 4, masked);
    }

    private static int Base64Length(string text) => (Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4;
}
