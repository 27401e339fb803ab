namespace EtlWeb.Core.Execution;

/// <summary>The little shell syntax the planner needs: quoting, and finding the program a command line runs.</summary>
internal static class ShellText
{
    /// <summary>Quotes a value so the shell passes it as one word, whatever it contains.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The first word of a command line, with simple quotes removed: the program it starts.</summary>
    public static string? FirstWord(string commandLine) => Words(commandLine).FirstOrDefault();

    /// <summary>The variable name when the word is a NAME=value assignment, else null.</summary>
    public static string? AssignedName(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? word[..equals] : "";
        return name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : null;
    }

    private static IEnumerable<string> Words(string commandLine)
    {
        var word = new System.Text.StringBuilder();
        char? quote = null;
        foreach (var c in commandLine)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
