using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EtlWeb.Core.Execution;

/// <summary>The text a secret value shows up as in a job's output: itself, and the encodings jobs commonly print it in.</summary>
internal static class SecretForms
{
    private static readonly JsonSerializerOptions Minimal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The forms whose encoders wrap long output over lines (base64 at 76 or 64 columns, xxd -p at 60): a line may end inside one.</summary>
    public static IEnumerable<string> Wrappable(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        foreach (var encoded in Base64(bytes))
        {
            yield return encoded;
            yield return encoded.Replace('+', '-').Replace('/', '_');
        }

        yield return Convert.ToHexStringLower(bytes);
        yield return Convert.ToHexString(bytes);
    }

    public static IEnumerable<string> Of(string value)
    {
        yield return value;

        // Output reaches the log one line at a time, so a multi-line value (a PEM key) never appears whole.
        foreach (var line in value.ReplaceLineEndings("\n").Split('\n'))
        {
            yield return line;
        }

        foreach (var encoded in Wrappable(value))
        {
            yield return encoded;
        }

        foreach (var quoted in Json(value).Concat(Shell(value)))
        {
            yield return quoted;
        }

        var escaped = Uri.EscapeDataString(value);
        yield return escaped;

        // Python's quote() leaves '/' alone; form encoding (quote_plus, URLSearchParams) writes a space as '+'.
        yield return escaped.Replace("%2F", "/", StringComparison.Ordinal);
        yield return escaped.Replace("%20", "+", StringComparison.Ordinal);
        yield return WebUtility.UrlEncode(value);
    }

    /// <summary>
    /// Inside a JSON string: escaped minimally (JavaScript, jq), with every non-ASCII character as \uXXXX in lower case
    /// (Python's json.dumps) or upper case, and as System.Text.Json writes it by default.
    /// </summary>
    private static IEnumerable<string> Json(string value)
    {
        var minimal = JsonSerializer.Serialize(value, Minimal)[1..^1];
        yield return minimal;
        yield return JsonSerializer.Serialize(value)[1..^1];
        var ascii = new StringBuilder(minimal.Length);
        foreach (var c in minimal)
        {
            ascii.Append(c < 0x80 ? c.ToString() : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        yield return ascii.ToString();
        yield return AsciiUpper(ascii.ToString());
    }

    private static string AsciiUpper(string escaped)
    {
        var builder = new StringBuilder(escaped);
        for (var i = escaped.IndexOf("\\u", StringComparison.Ordinal); i >= 0 && i + 6 <= escaped.Length; i = escaped.IndexOf("\\u", i + 2, StringComparison.Ordinal))
        {
            for (var k = i + 2; k < i + 6; k++)
            {
                builder[k] = char.ToUpperInvariant(escaped[k]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// As a shell shows a value it quotes: inside single quotes (<c>set -x</c>: a quote becomes '\''), backslash-escaped
    /// (<c>printf %q</c>), and in $'...' with C escapes (a value with control characters).
    /// </summary>
    private static IEnumerable<string> Shell(string value)
    {
        yield return value.Replace("'", "'\\''", StringComparison.Ordinal);

        var backslashed = new StringBuilder(value.Length * 2);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (" !\"$&'()*,;<>?[\\]^`{|}\t".Contains(c, StringComparison.Ordinal) || (i == 0 && c is '~' or '#'))
            {
                backslashed.Append('\\');
            }

            backslashed.Append(c);
        }

        yield return backslashed.ToString();

        var ansiC = new StringBuilder(value.Length * 2);
        foreach (var c in value)
        {
            ansiC.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\v' => "\\v",
                '\u001b' => "\\E",
                < ' ' or '\u007f' => "\\" + Convert.ToString(c, 8).PadLeft(3, '0'),
                _ => c.ToString(),
            });
        }

        yield return ansiC.ToString();
    }

    /// <summary>
    /// The value's own encoding, and the part of a longer stream's encoding that only the value's bits decide, at
    /// each of the three byte offsets (mod 3) the value can start at: the characters around it depend on its neighbours.
    /// </summary>
    private static IEnumerable<string> Base64(byte[] bytes)
    {
        var whole = Convert.ToBase64String(bytes);
        yield return whole;
        yield return whole.TrimEnd('=');

        for (var offset = 0; offset < 3; offset++)
        {
            var shifted = new byte[offset + bytes.Length];
            bytes.CopyTo(shifted, offset);
            var encoded = Convert.ToBase64String(shifted);

            // Character k carries bits [6k, 6k + 6) of the stream; the value's bits are [8 * offset, 8 * (offset + length)).
            var first = ((8 * offset) + 5) / 6;
            var end = 8 * (offset + bytes.Length) / 6;
            yield return encoded[first..end];
        }
    }
}
