using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>Escape sequences in a line of output (colours, cursor moves, titles), and the text a reader sees without them.</summary>
public static class AnsiText
{
    public const char Esc = '\u001b';

    /// <summary>The text a reader sees: every escape sequence left out.</summary>
    public static string Visible(string text)
    {
        if (!text.Contains(Esc, StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == Esc)
            {
                i = SequenceEnd(text, i, out _);
                continue;
            }

            builder.Append(text[i++]);
        }

        return builder.ToString();
    }

    /// <summary>Where the escape sequence starting at <paramref name="start"/> ends; SGR (colour and style) is CSI ending in 'm'.</summary>
    public static int SequenceEnd(string text, int start, out bool isSgr)
    {
        isSgr = false;
        var i = start + 1;
        if (i >= text.Length)
        {
            return i;
        }

        switch (text[i])
        {
            case '[':
                i++;
                while (i < text.Length && text[i] is >= '0' and <= '?')
                {
                    i++;
                }

                while (i < text.Length && text[i] is >= ' ' and <= '/')
                {
                    i++;
                }

                if (i < text.Length && text[i] is >= '@' and <= '~')
                {
                    isSgr = text[i] == 'm';
                    return i + 1;
                }

                return i;
            case ']' or 'P' or '_' or '^' or 'X':
                // A string sequence (title, hyperlink, ...) ends with ST (ESC \) or BEL, which storage turned into U+FFFD.
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == '\uFFFD')
                    {
                        return i + 1;
                    }

                    if (text[i] == Esc)
                    {
                        return i + 1 < text.Length && text[i + 1] == '\\' ? i + 2 : i;
                    }
                }

                return i;
            default:
                while (i < text.Length && text[i] is >= ' ' and <= '/')
                {
                    i++;
                }

                return Math.Min(i + 1, text.Length);
        }
    }
}
