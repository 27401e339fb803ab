using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Replaces a job's secret values in log text with <c>***</c>: each value itself, each of its lines, its standard
/// and URL-safe base64 (also where it sits inside a longer base64 stream), its hex, its JSON-escaped, shell-quoted
/// and URL-encoded forms. <see cref="MaskLine"/> also follows a base64 or hex form that an encoder wrapped over
/// several lines, and a value that colour codes split.
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

    /// <summary>The shortest start of a wrapped form masked at the end of a line: shorter ones end too many ordinary lines.</summary>
    private const int MinWrappedStart = 4;

    /// <summary>Longest first, so the longest form found at a position decides how far the mask reaches.</summary>
    private readonly string[] patterns;

    private readonly byte[][] utf8Patterns;

    /// <summary>Null when there is nothing to mask, so a job without secrets pays one null check per line.</summary>
    private readonly SearchValues<string>? search;

    /// <summary>
    /// The starts of the wrappable forms, by their last <see cref="MinWrappedStart"/> characters: a line's last
    /// characters find the candidates in one lookup.
    /// </summary>
    private readonly Dictionary<string, List<(string Form, int Length)>>.AlternateLookup<ReadOnlySpan<char>> wrappedStarts;

    public SecretMasker(IEnumerable<string> secretValues)
    {
        var values = secretValues.Where(value => value.Length >= MinLength).ToList();
        var starts = new Dictionary<string, List<(string Form, int Length)>>(StringComparer.Ordinal);
        foreach (var form in values.SelectMany(SecretForms.Wrappable).Where(form => form.Length > MinWrappedStart).Distinct(StringComparer.Ordinal))
        {
            for (var length = MinWrappedStart; length < form.Length; length++)
            {
                var key = form[(length - MinWrappedStart)..length];
                if (!starts.TryGetValue(key, out var list))
                {
                    starts[key] = list = [];
                }

                list.Add((form, length));
            }
        }

        wrappedStarts = starts.GetAlternateLookup<ReadOnlySpan<char>>();
        patterns = [.. values
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
    /// Masks one line of a stream. <paramref name="continuation"/> carries, from one line to the next of the same stream,
    /// the rest of a base64 or hex form the previous line ended inside (an encoder wraps at 76, 64 or 60 columns): that
    /// line's end was masked, and this line's start is masked if it goes on with the form. Colour codes that split a
    /// value cannot hide it either: a line whose visible text holds a secret is stored as that text, masked.
    /// </summary>
    public string MaskLine(string text, ref string? continuation)
    {
        if (search is null)
        {
            return text;
        }

        var prefix = "";
        var rest = text;
        if (continuation is { } expected)
        {
            continuation = null;
            if (text.Length > 0 && expected.Length > text.Length && expected.StartsWith(text, StringComparison.Ordinal))
            {
                continuation = expected[text.Length..];
                return Replacement;
            }

            if (text.StartsWith(expected, StringComparison.Ordinal))
            {
                prefix = Replacement;
                rest = text[expected.Length..];
            }
        }

        var masked = MaskVisible(rest);
        if (WrappedStartAtEnd(rest) is { } start && !masked.EndsWith(Replacement, StringComparison.Ordinal))
        {
            continuation = start.Form[start.Length..];
            masked = MaskVisible(rest[..^start.Length]) + Replacement;
        }

        return prefix + masked;
    }

    /// <summary>Masks the text, or, when escape sequences split a secret, the text a reader sees.</summary>
    private string MaskVisible(string text)
    {
        var masked = Mask(text);
        if (!text.Contains(AnsiText.Esc, StringComparison.Ordinal))
        {
            return masked;
        }

        var visible = AnsiText.Visible(masked);
        var maskedVisible = Mask(visible);
        return ReferenceEquals(maskedVisible, visible) ? masked : maskedVisible;
    }

    /// <summary>The longest start of a wrappable form that ends the line without the whole form, or null.</summary>
    private (string Form, int Length)? WrappedStartAtEnd(string text)
    {
        if (text.Length < MinWrappedStart || !wrappedStarts.TryGetValue(text.AsSpan(text.Length - MinWrappedStart), out var candidates))
        {
            return null;
        }

        (string Form, int Length)? longest = null;
        foreach (var candidate in candidates)
        {
            if (candidate.Length > (longest?.Length ?? 0) && text.AsSpan().EndsWith(candidate.Form.AsSpan(0, candidate.Length), StringComparison.Ordinal))
            {
                longest = candidate;
            }
        }

        return longest;
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
