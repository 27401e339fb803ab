namespace EtlWeb.Tests.Packaging;

/// <summary>
/// The YAML that docker-compose.yml is written in, read into dictionaries (mappings), lists (sequences) and strings
/// (scalars, quotes removed): block mappings and sequences by indentation, a sequence item that opens a mapping
/// (<c>- path: .env</c>), flow sequences of scalars (<c>[scale]</c>) and comments. Anything else (anchors, aliases,
/// block scalars, flow mappings, tabs) throws, so that a test never reads a file it does not understand.
/// </summary>
internal sealed class ComposeFile
{
    private readonly List<Line> _lines;
    private int _next;

    private ComposeFile(List<Line> lines) => _lines = lines;

    public static Dictionary<string, object?> Read(string path) => Parse(File.ReadAllText(path));

    public static Dictionary<string, object?> Parse(string text)
    {
        var lines = text.Split('\n')
            .Select((raw, index) => (Number: index + 1, Text: WithoutComment(raw.TrimEnd('\r'))))
            .Where(l => l.Text.Trim().Length > 0)
            .Select(l => new Line(l.Number, l.Text.Length - l.Text.TrimStart(' ').Length, l.Text.Trim()))
            .ToList();
        var bad = lines.FirstOrDefault(l => l.Text.Contains('\t', StringComparison.Ordinal));
        if (bad is not null)
        {
            throw Unsupported(bad, "a tab");
        }

        var reader = new ComposeFile(lines);
        var root = reader.Block(lines.Count == 0 ? 0 : lines[0].Indent);
        if (reader._next != lines.Count)
        {
            throw Unsupported(lines[reader._next], "an indentation that closes no open block");
        }

        return root as Dictionary<string, object?> ?? throw new FormatException("The file's top level is not a mapping.");
    }

    /// <summary>A mapping or a sequence whose entries start at <paramref name="indent"/>.</summary>
    private object Block(int indent) => IsItem(_lines[_next].Text) ? Sequence(indent) : Mapping(indent);

    private Dictionary<string, object?> Mapping(int indent)
    {
        var mapping = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (_next < _lines.Count && _lines[_next].Indent == indent && !IsItem(_lines[_next].Text))
        {
            var line = _lines[_next++];
            var colon = KeyColon(line.Text);
            if (colon < 0)
            {
                throw Unsupported(line, "a line that is neither 'key: value' nor '- item' in a mapping");
            }

            var key = Unquote(line.Text[..colon]);
            var rest = line.Text[(colon + 1)..].Trim();
            object? value = rest.Length > 0 ? Scalar(line, rest)
                : _next < _lines.Count && (_lines[_next].Indent > indent || (_lines[_next].Indent == indent && IsItem(_lines[_next].Text))) ? Block(_lines[_next].Indent)
                : null;
            if (!mapping.TryAdd(key, value))
            {
                throw Unsupported(line, $"the key '{key}' twice");
            }
        }

        if (_next < _lines.Count && _lines[_next].Indent > indent)
        {
            throw Unsupported(_lines[_next], "a deeper indentation after a value");
        }

        return mapping;
    }

    private List<object?> Sequence(int indent)
    {
        var sequence = new List<object?>();
        while (_next < _lines.Count && _lines[_next].Indent == indent && IsItem(_lines[_next].Text))
        {
            var line = _lines[_next];
            var item = line.Text[1..].TrimStart(' ');
            if (item.Length == 0)
            {
                throw Unsupported(line, "an item whose content starts on the next line");
            }

            if (KeyColon(item) >= 0)
            {
                // "- key: value" opens a mapping whose keys line up with this first one.
                _lines[_next] = new Line(line.Number, indent + (line.Text.Length - item.Length), item);
                sequence.Add(Mapping(_lines[_next].Indent));
            }
            else
            {
                _next++;
                sequence.Add(Scalar(line, item));
            }
        }

        return sequence;
    }

    private static object Scalar(Line line, string text)
    {
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            var inner = text[1..^1].Trim();
            return inner.Length == 0 ? new List<object?>() : inner.Split(',').Select(v => (object?)Plain(line, v.Trim())).ToList();
        }

        return Plain(line, text);
    }

    private static string Plain(Line line, string text)
    {
        if (text.Length == 0 || "&*|>{![".Contains(text[0], StringComparison.Ordinal))
        {
            throw Unsupported(line, $"the value '{text}'");
        }

        return Unquote(text);
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[^1] == text[0] ? text[1..^1] : text;

    private static bool IsItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    /// <summary>Where the colon that ends a key is: the first one outside quotes followed by a space or the line's end.</summary>
    private static int KeyColon(string text) => FirstOutsideQuotes(
        text,
        opensQuote: i => i == 0,
        found: i => text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' '));

    /// <summary>The line without its comment: a '#' outside quotes at the start or after a space.</summary>
    private static string WithoutComment(string text)
    {
        var hash = FirstOutsideQuotes(
            text,
            opensQuote: i => i == 0 || text[i - 1] is ' ' or '[' or ',',
            found: i => text[i] == '#' && (i == 0 || text[i - 1] == ' '));
        return hash < 0 ? text : text[..hash];
    }

    /// <summary>
    /// The first position outside quoted text where <paramref name="found"/> holds, or -1. A quote character opens
    /// quoted text only where <paramref name="opensQuote"/> allows it, and the same character closes it.
    /// </summary>
    private static int FirstOutsideQuotes(string text, Func<int, bool> opensQuote, Func<int, bool> found)
    {
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '"' or '\'' && opensQuote(i))
            {
                quote = c;
            }
            else if (found(i))
            {
                return i;
            }
        }

        return -1;
    }

    private static FormatException Unsupported(Line line, string what) =>
        new($"Line {line.Number} of the compose file has {what}, which this reader does not understand: {line.Text}");

    private sealed record Line(int Number, int Indent, string Text);
}
