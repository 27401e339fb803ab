using System.Text;
using System.Text.RegularExpressions;

namespace EtlWeb.Tests.Packaging;

/// <summary>One Dockerfile instruction: its keyword in capitals and the rest of it on one line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);

/// <summary>The instructions from one FROM to the next; <see cref="Name"/> is the FROM's "AS" name, if any.</summary>
internal sealed record DockerStage(string Name, string Image, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<string> Arguments(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
}

/// <summary>
/// A Dockerfile read simply, as EtlWeb's is written: a line ending in a backslash continues on the next, comment and
/// blank lines are dropped (inside a continuation too, as Docker does), and every FROM starts a stage.
/// </summary>
internal static class DockerfileReader
{
    public static IReadOnlyList<DockerStage> Read(string path)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        var pending = new StringBuilder();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            var text = pending.Append(line).ToString();
            pending.Clear();
            var words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var instruction = new DockerInstruction(words[0].ToUpperInvariant(), words.Length > 1 ? words[1] : "");
            if (instruction.Keyword == "FROM")
            {
                var from = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                current = [];
                stages.Add(new DockerStage(from.Length == 3 ? from[2] : "", from[0], current));
                continue;
            }

            Assert.True(current is not null, $"'{text}' comes before the first FROM");
            current.Add(instruction);
        }

        return stages;
    }
}

/// <summary>
/// A .dockerignore's exclusions: a path is left out of the build context when it or a directory above it matches a
/// pattern (<c>*</c> within one name, <c>**/</c> for any directories). Exceptions (<c>!</c>) are not supported.
/// </summary>
internal sealed class DockerIgnore(IReadOnlyList<Regex> patterns)
{
    public static DockerIgnore Read(string path)
    {
        var patterns = new List<Regex>();
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            Assert.False(line.StartsWith('!'), $".dockerignore exception '{line}': this reader does not support them");
            patterns.Add(ToRegex(line.Trim('/')));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>Whether the build context leaves out <paramref name="relativePath"/> (separated by '/').</summary>
    public bool Excludes(string relativePath)
    {
        var names = relativePath.Split('/');
        for (var depth = 1; depth <= names.Length; depth++)
        {
            var prefix = string.Join('/', names[..depth]);
            if (patterns.Any(p => p.IsMatch(prefix)))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern.AsSpan(i).StartsWith("**/"))
            {
                regex.Append("(.*/)?");
                i += 2;
            }
            else if (pattern.AsSpan(i).StartsWith("**"))
            {
                regex.Append(".*");
                i++;
            }
            else
            {
                regex.Append(pattern[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
