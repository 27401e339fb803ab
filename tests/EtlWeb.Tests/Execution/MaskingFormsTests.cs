using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

/// <summary>The forms a secret takes when a job wraps, escapes, quotes or colours it.</summary>
public sealed class MaskingFormsTests
{
    private const char Esc = '\u001b';
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string LongSecret = string.Concat(Enumerable.Repeat("correct-horse-battery-", 6));

    [Theory]
    [InlineData(76)]
    [InlineData(64)]
    [InlineData(60)]
    public void A_long_secrets_base64_or_hex_wrapped_over_lines_is_masked_on_every_line(int width)
    {
        var masker = new SecretMasker([LongSecret]);
        var bytes = Encoding.UTF8.GetBytes(LongSecret);
        foreach (var encoded in new[] { Convert.ToBase64String(bytes), Convert.ToHexStringLower(bytes) })
        {
            string? continuation = null;
            var lines = encoded.Chunk(width).Select(c => new string(c)).ToList();

            var masked = lines.Select(line => masker.MaskLine(line, ref continuation)).ToList();

            Assert.True(lines.Count > 1);
            Assert.All(masked, line => Assert.Equal("***", line));
            Assert.Null(continuation);
        }
    }

    [Fact]
    public void A_wrapped_secret_inside_a_longer_stream_is_masked_from_its_first_characters_on_and_the_line_after_is_left_alone()
    {
        var masker = new SecretMasker([LongSecret]);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("header: " + LongSecret + " trailer"));
        var lines = encoded.Chunk(76).Select(c => new string(c)).Append("an ordinary line").ToList();
        string? continuation = null;

        var masked = lines.Select(line => masker.MaskLine(line, ref continuation)).ToList();

        Assert.Equal(["aGVhZGVyOiB***", "***", "***0gdHJhaWxlcg==", "an ordinary line"], masked);
    }

    [Fact]
    public void Colour_codes_that_split_a_secret_cannot_reassemble_it_and_colours_elsewhere_are_kept()
    {
        const string Secret = "p@ss w0rd/Ünïcode+x";
        var masker = new SecretMasker([Secret]);
        string? continuation = null;

        var split = masker.MaskLine($"token: p@ss {Esc}[31mw0rd/Ün{Esc}[0mïcode+x done", ref continuation);
        var coloured = masker.MaskLine($"{Esc}[32mok{Esc}[0m {Secret}", ref continuation);

        Assert.Equal("token: *** done", split);
        Assert.Equal($"{Esc}[32mok{Esc}[0m ***", coloured);
    }

    [Theory]
    [InlineData("it's \"quoted\" \\ and ünï")]
    [InlineData("tab\there and a $dollar")]
    public void Json_escaped_hex_and_shell_quoted_forms_are_masked(string secret)
    {
        var masker = new SecretMasker([secret]);
        var bytes = Encoding.UTF8.GetBytes(secret);
        string[] shown =
        [
            JsonSerializer.Serialize(secret),
            JsonSerializer.Serialize(secret, Relaxed),
            Convert.ToHexStringLower(bytes),
            Convert.ToHexString(bytes),
            "'" + secret.Replace("'", "'\\''", StringComparison.Ordinal) + "'",
        ];

        foreach (var form in shown)
        {
            Assert.Equal("x *** y", masker.Mask("x " + form.Trim('"', '\'') + " y"));
        }
    }

    [Fact]
    public async Task A_real_job_prints_its_secret_wrapped_in_base64_as_hex_json_quoted_and_coloured_and_no_stretch_of_it_shows()
    {
        const string Secret = "correct-horse-battery-staple-correct-horse-battery-staple-ünï'quote\"dq\\bs $x-0123456789";
        var job = Attempts.Shell(
            """printf %s "$S" | base64; printf %s "$S" | base64 -w 64; printf %s "$S" | od -An -v -tx1 | tr -d ' \n'; echo; """
            + """python3 -c 'import os,json;print(json.dumps({"k":os.environ["S"]}))'; """
            + """python3 -c 'import os;h=os.environ["S"].encode().hex();print("\n".join(h[i:i+60] for i in range(0,len(h),60)))'; """
            + """printf '%q\n' "$S"; printf 'colour %s\n' "${S:0:12}$(printf '\033[31m')${S:12}"; set -x; : "$S" """);
        job.Environment["S"] = Secret;
        job.SecretEnvironment.Add("S");

        var (exitCode, output) = await Attempts.RunAsync(job);

        Assert.Equal(0, exitCode);
        var bytes = Encoding.UTF8.GetBytes(Secret);
        string[] forms = [Secret, Convert.ToBase64String(bytes), Convert.ToHexStringLower(bytes), Secret.Replace("'", "'\\''", StringComparison.Ordinal)];
        foreach (var stream in new[] { LogStream.Stdout, LogStream.Stderr })
        {
            var texts = output.Texts(stream);
            var joined = string.Concat(texts);
            foreach (var form in forms)
            {
                for (var i = 0; i + 10 <= form.Length; i += 5)
                {
                    Assert.False(joined.Contains(form.Substring(i, 10), StringComparison.Ordinal), $"'{form.Substring(i, 10)}' of {form} shows in {stream}:\n{string.Join('\n', texts)}");
                }
            }
        }


        // base64 at 76 and 64 columns (2 lines each), od's hex, the JSON, xxd-style hex (3 lines), printf %q, the coloured line.
        Assert.Equal(["***", "***", "***", "***", "***", "{\"k\": \"***\"}", "***", "***", "***", "***", "colour ***"], output.Texts(LogStream.Stdout));
        Assert.Equal(["+ : '***'"], output.Texts(LogStream.Stderr));
    }
}
