using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Replaces a job's secret values in log text with <c>***</c>: each value itself, each of its lines, its standard
/// and URL-safe base64 (also where it sits inside a longer base64 stream), and its URL-encoded forms.
/// </summary>
/// <remarks>
/// Values, and forms of them, shorter than <see cref="MinLength"/> characters are not masked: a secret such as
/// "1" or "no" would turn the whole log into asterisks while hiding nothing a reader could not guess.
/// Overlapping occurrences are masked as one, so no part of either secret is left showing.
/// </remarks>
public sealed class SecretMasker
{
    public const int MinLength = 3;

    private const string Replacement = "***";

    /// <summary>Longest first, so the longest form found at a position decides how far the mask reaches.</summary>
    private readonly string[] patterns;

    private readonly byte[][] utf8Patterns;

    /// <summary>Null when there is nothing to mask, so a job without secrets pays one null check per line.</summary>
    private readonly SearchValues<string>? search;

    public SecretMasker(IEnumerable<string> secretValues)
    {
        patterns = [.. secretValues
            .Where(value => value.Length >= MinLength)
            .SelectMany(SecretForms.Of)
            .Where(form => form.Length >= MinLength)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(form => form.Length)
            .ThenBy(form => form, StringComparer.Ordinal)];
        utf8Patterns = [.. patterns.Select(Encoding.UTF8.GetBytes)];
        search = patterns.Length == 0 ? null : SearchValues.Create(patterns, StringComparison.Ordinal);
    }

    /// <summary>Returns <paramref name="text"/> itself, without allocating, when it holds no secret.</summary>
    public string Mask(string text)
    {
        if (search is not { } secrets)
        {
            return text;
        }

        var span = text.AsSpan();
        var start = span.IndexOfAny(secrets);
        if (start < 0)
        {
            return text;
        }

        var masked = new StringBuilder(text.Length);
        var copied = 0;
        while (start >= 0)
        {
            var end = start + LongestAt(span[start..]);
            var next = Find(span, start + 1, secrets);
            while (next >= 0 && next < end)
            {
                end = Math.Max(end, next + LongestAt(span[next..]));
                next = Find(span, next + 1, secrets);
            }

            masked.Append(span[copied..start]).Append(Replacement);
            copied = end;
            start = next;
        }

        return masked.Append(span[copied..]).ToString();
    }

    /// <summary>
    /// Where to end a forced piece of an overlong line so that no form of a secret straddles the cut (each piece is
    /// masked on its own): before the earliest tail of <paramref name="piece"/> that could begin a form, else its end.
    /// Never earlier than half the piece, so pieces cannot shrink toward nothing over a secret longer than that.
    /// </summary>
    internal int SafeCut(ReadOnlySpan<byte> piece)
    {
        var earliest = Math.Max(1, piece.Length / 2);
        var cut = piece.Length;
        foreach (var pattern in utf8Patterns)
        {
            for (var start = Math.Max(earliest, piece.Length - pattern.Length + 1); start < cut; start++)
            {
                if (pattern.AsSpan().StartsWith(piece[start..]))
                {
                    cut = start;
                    break;
                }
            }
        }

        return cut;
    }

    private static int Find(ReadOnlySpan<char> text, int from, SearchValues<string> secrets)
    {
        var found = text[from..].IndexOfAny(secrets);
        return found < 0 ? -1 : from + found;
    }

    private int LongestAt(ReadOnlySpan<char> text)
    {
        foreach (var pattern in patterns)
        {
            if (text.StartsWith(pattern, StringComparison.Ordinal))
            {
                return pattern.Length;
            }
        }

        throw new UnreachableException("The search reported a secret here, so one of the patterns starts here.");
    }
}
