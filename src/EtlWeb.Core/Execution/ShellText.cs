using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>One word of a command line: its text with quotes and escapes removed, and where it stands in the line.</summary>
/// <param name="Start">Index of the word's first character in the line.</param>
/// <param name="End">Index just past the word's last character.</param>
internal readonly record struct ShellWord(string Text, int Start, int End);

/// <summary>The little shell syntax the planner needs: quoting, and the words a command line starts with.</summary>
internal static class ShellText
{
    /// <summary>Quotes a value so the shell passes it as one word, whatever it contains.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The variable name when the word, as typed, is a NAME=value assignment, else null.</summary>
    /// <remarks>As for the shell, the name must be unquoted: <c>"A"=1</c> is a command word, not an assignment.</remarks>
    public static string? AssignedName(string typed)
    {
        var equals = typed.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? typed[..equals] : "";
        return name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : null;
    }

    /// <summary>
    /// The words of a command line, split at blanks outside quotes, <c>$( )</c>, <c>${ }</c> and backquotes. Quotes
    /// and backslashes are removed from a word's text; a substitution stays in it as typed.
    /// </summary>
    public static IEnumerable<ShellWord> Words(string commandLine)
    {
        var text = new StringBuilder();
        var start = -1;
        var nesting = 0;
        char? quote = null;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (quote is null && nesting == 0 && char.IsWhiteSpace(c))
            {
                if (start >= 0)
                {
                    yield return new ShellWord(text.ToString(), start, i);
                    text.Clear();
                    start = -1;
                }

                continue;
            }

            start = start < 0 ? i : start;
            var next = i + 1 < commandLine.Length ? commandLine[i + 1] : (char?)null;
            if (c == '\\' && quote != '\'' && next is char escaped)
            {
                // In double quotes a backslash escapes only $ ` " \ (and a newline); elsewhere it stays.
                if (quote == '"' && escaped is not ('$' or '`' or '"' or '\\' or '\n'))
                {
                    text.Append(c);
                }

                text.Append(escaped);
                i++;
            }
            else if (quote is not null && c == quote)
            {
                quote = null;
                KeepBackquote(c);
            }
            else if (quote is null && c is '\'' or '"' or '`')
            {
                quote = c;
                KeepBackquote(c);
            }
            else if (quote != '\'' && c == '$' && next is '(' or '{')
            {
                nesting++;
                text.Append(commandLine, i, 2);
                i++;
            }
            else
            {
                nesting -= quote != '\'' && nesting > 0 && c is ')' or '}' ? 1 : 0;
                text.Append(c);
            }
        }

        if (start >= 0)
        {
            yield return new ShellWord(text.ToString(), start, commandLine.Length);
        }

        // A command substitution in backquotes stays in the word as typed; quotes go.
        void KeepBackquote(char c)
        {
            if (c == '`')
            {
                text.Append(c);
            }
        }
    }
}
