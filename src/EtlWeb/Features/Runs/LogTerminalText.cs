using System.Globalization;
using System.Text;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Turns stored log lines into what the viewer's terminal is sent: a dim line-number gutter, stderr in red
/// with a heavy bar (told apart without colour too), EtlWeb's own lines dimmed. The job's colour codes are
/// kept; every other escape sequence is dropped, because a log is not a screen: a cursor move or a clear
/// would scramble the lines around it.
/// </summary>
public static class LogTerminalText
{
    /// <summary>Beyond this many characters a line is cut on screen; the download keeps it whole.</summary>
    public const int MaxShownChars = 10_000;

    /// <summary>Columns before the text: a 7-digit number, a space, the stream bar and a space.</summary>
    public const int GutterWidth = 10;

    private const char Esc = AnsiText.Esc;
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Red = "\u001b[31m";

    public static string Format(LogLine line)
    {
        var text = line.Text;
        var builder = new StringBuilder(Math.Min(text.Length, MaxShownChars) + 40);
        builder.Append(Dim).Append((line.Number + 1).ToString(CultureInfo.InvariantCulture).PadLeft(7)).Append(' ');
        var style = line.Stream switch
        {
            LogStream.Stderr => Red,
            LogStream.System => Dim,
            _ => "",
        };
        builder.Append(line.Stream == LogStream.Stderr ? Reset + Red + "┃ " : "│ " + Reset + style);

        var shown = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == Esc)
            {
                var end = AnsiText.SequenceEnd(text, i, out var isSgr);
                if (isSgr)
                {
                    builder.Append(text, i, end - i);
                    if (style.Length > 0 && ResetsStyle(text.AsSpan(i + 2, end - i - 3)))
                    {
                        // The job's own reset would otherwise end the stream's colour mid-line.
                        builder.Append(style);
                    }
                }

                i = end;
                continue;
            }

            if (shown >= MaxShownChars && !char.IsLowSurrogate(c))
            {
                builder.Append(Reset).Append(Dim)
                    .Append(CultureInfo.InvariantCulture, $" … {text.Length - i:N0} more characters (download the log for the whole line)");
                break;
            }

            // C1 controls would be read as 8-bit escape sequences by the terminal.
            builder.Append(c is >= '\u0080' and <= '\u009f' ? '\uFFFD' : c);
            shown++;
            i++;
        }

        return builder.Append(Reset).ToString();
    }

    /// <summary>The text a reader sees: every escape sequence left out.</summary>
    public static string Visible(string text) => AnsiText.Visible(text);

    private static bool ResetsStyle(ReadOnlySpan<char> parameters) =>
        parameters.IsEmpty || parameters is "0" || parameters.StartsWith("0;") || parameters.StartsWith(";");
}
