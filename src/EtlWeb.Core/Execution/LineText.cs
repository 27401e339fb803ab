using System.Buffers;
using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>Turns the raw bytes of one output line into text that is safe to store and show.</summary>
internal static class LineText
{
    /// <summary>Replaces invalid bytes with U+FFFD instead of throwing: a job may print binary.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>C0 controls except tab and ESC (ESC carries ANSI colours). In UTF-8 these bytes only ever stand for themselves.</summary>
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31]);

    public static string Decode(ReadOnlySpan<byte> line)
    {
        var text = Utf8.GetString(line);
        return line.ContainsAny(ControlBytes) ? ReplaceControls(text) : text;
    }

    private static string ReplaceControls(string text) =>
        string.Create(text.Length, text, static (target, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                target[i] = c < ' ' && c != '\t' && c != '\u001b' ? '\uFFFD' : c;
            }
        });
}
