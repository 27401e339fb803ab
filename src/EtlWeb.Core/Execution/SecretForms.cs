using System.Net;
using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>The text a secret value shows up as in a job's output: itself, and the encodings jobs commonly print it in.</summary>
internal static class SecretForms
{
    public static IEnumerable<string> Of(string value)
    {
        yield return value;

        // Output reaches the log one line at a time, so a multi-line value (a PEM key) never appears whole.
        foreach (var line in value.ReplaceLineEndings("\n").Split('\n'))
        {
            yield return line;
        }

        foreach (var encoded in Base64(Encoding.UTF8.GetBytes(value)))
        {
            yield return encoded;
            yield return encoded.Replace('+', '-').Replace('/', '_');
        }

        var escaped = Uri.EscapeDataString(value);
        yield return escaped;

        // Python's quote() leaves '/' alone; form encoding (quote_plus, URLSearchParams) writes a space as '+'.
        yield return escaped.Replace("%2F", "/", StringComparison.Ordinal);
        yield return escaped.Replace("%20", "+", StringComparison.Ordinal);
        yield return WebUtility.UrlEncode(value);
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
