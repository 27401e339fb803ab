using System.Text.RegularExpressions;

namespace EtlWeb.Core.Execution;

/// <summary>
/// The start of a command line as the shell reads it: the NAME=value assignments before the program, which go into
/// the program's environment, then the program word and its arguments.
/// </summary>
/// <param name="AssignedNames">The variables the leading assignments set, in order; never their values.</param>
/// <param name="Assignments">The leading assignments as typed; empty when there are none.</param>
/// <param name="Program">The program word with quotes removed; null when the line holds assignments only.</param>
/// <param name="Rest">The program word and everything after it, as typed.</param>
internal sealed partial record CommandLine(IReadOnlyList<string> AssignedNames, string Assignments, string? Program, string Rest)
{
    /// <summary>Reads the leading assignments and the program word of a command line.</summary>
    public static CommandLine Parse(string commandLine)
    {
        var names = new List<string>();
        var assignmentsEnd = 0;
        foreach (var word in ShellText.Words(commandLine))
        {
            if (ShellText.AssignedName(commandLine[word.Start..word.End]) is string name)
            {
                names.Add(name);
                assignmentsEnd = word.End;
                continue;
            }

            return new CommandLine(names, commandLine[..assignmentsEnd].Trim(), word.Text, commandLine[word.Start..].Trim());
        }

        return new CommandLine(names, commandLine.Trim(), null, "");
    }

    /// <summary>
    /// Whether the program is a Python interpreter (python, python3, python3.12, pypy3, ...), by name or by a path
    /// ending in one (/opt/venv/bin/python): such a command already says what runs it.
    /// </summary>
    public bool NamesPython => Program is not null && PythonName().IsMatch(Program[(Program.LastIndexOf('/') + 1)..]);

    /// <summary>
    /// Shell text that replaces the shell with the program, its assignments in the program's environment (a shell
    /// applies assignments before <c>exec</c> to what it runs, bash and dash alike).
    /// </summary>
    /// <param name="runner">Shell text to run the line with, e.g. a quoted interpreter; null runs the program itself.</param>
    public string Exec(string? runner = null)
    {
        var prefix = Assignments.Length > 0 ? Assignments + " exec " : "exec ";
        return runner is null ? prefix + Rest : prefix + runner + " " + Rest;
    }

    [GeneratedRegex("^(python|pypy)([0-9]+(\\.[0-9]+)?)?\\z")]
    private static partial Regex PythonName();
}
