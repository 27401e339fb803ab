using System.Text;
using System.Text.RegularExpressions;

namespace EtlWeb.E2E;

/// <summary>
/// Every line EtlWeb's processes print, kept for the browser tests: Serilog's console lines on stdout (an error reads
/// <c>[2026-03-27 12:00:00.000 ERR] message</c>, its exception on the lines after) and anything on stderr (a crash, a
/// startup problem). <see cref="CheckAsync"/> fails with the errors logged since the previous check that nobody declared
/// expected, and with the tail of the output, so that a server-side exception during a browser test cannot go unseen.
/// </summary>
public sealed partial class ServerLog
{
    private const int TailLength = 100;

    /// <summary>How long a check waits for an error a test declared it provokes: it may be logged after the test's last step.</summary>
    private static readonly TimeSpan ExpectedErrorPatience = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly List<Line> _lines = [];
    private readonly List<Regex> _expected = [];
    private int _checked;

    /// <summary>A callback for <see cref="Testing.EtlWebChild.Start"/> that keeps the lines of the process named <paramref name="source"/>.</summary>
    public Action<string, bool> Keep(string source) => (text, fromStderr) =>
    {
        lock (_gate)
        {
            _lines.Add(new Line(source, text, fromStderr));
        }
    };

    /// <summary>Declares that an error matching <paramref name="pattern"/> (a regular expression) is logged before the next check.</summary>
    public void ExpectError(string pattern)
    {
        lock (_gate)
        {
            _expected.Add(new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// After each test (its class's <c>IAsyncLifetime.DisposeAsync</c>): fails when an error was logged since the
    /// previous check that no <see cref="ExpectError"/> matches, or when an expected error was not logged; either way
    /// the declarations are used up.
    /// </summary>
    public async Task CheckAsync()
    {
        var deadline = TimeProvider.System.GetUtcNow() + ExpectedErrorPatience;
        while (AwaitsExpectedError() && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(100);
        }

        string? failure;
        lock (_gate)
        {
            var (unexpected, missing) = Check();
            failure = unexpected.Count == 0 && missing.Count == 0 ? null : Describe(unexpected, missing);
            _checked = _lines.Count;
            _expected.Clear();
        }

        if (failure is not null)
        {
            Assert.Fail(failure);
        }
    }

    /// <summary>The last lines of the output, for a failure message.</summary>
    public string Tail()
    {
        lock (_gate)
        {
            return AppendTail(new StringBuilder()).ToString();
        }
    }

    private bool AwaitsExpectedError()
    {
        lock (_gate)
        {
            return Check().Missing.Count > 0;
        }
    }

    /// <summary>The errors no declaration matches, and the declarations no error matches; the caller holds the gate.</summary>
    private (List<string> Unexpected, List<Regex> Missing) Check()
    {
        var errors = Errors();
        return ([.. errors.Where(e => !_expected.Any(p => p.IsMatch(e)))], [.. _expected.Where(p => !errors.Any(p.IsMatch))]);
    }

    /// <summary>The errors since the previous check, each with the lines that continue it (an exception's).</summary>
    private List<string> Errors()
    {
        var errors = new List<string>();
        for (var i = _checked; i < _lines.Count; i++)
        {
            if (!_lines[i].IsError)
            {
                continue;
            }

            var error = new StringBuilder(_lines[i].ToString());
            for (var j = i + 1; j < _lines.Count; j++)
            {
                if (_lines[j].Source == _lines[i].Source && _lines[j].FromStderr == _lines[i].FromStderr)
                {
                    if (_lines[j].StartsEntry)
                    {
                        break;
                    }

                    error.Append('\n').Append(_lines[j]);
                }
            }

            errors.Add(error.ToString());
        }

        return errors;
    }

    private string Describe(List<string> unexpected, List<Regex> missing)
    {
        var message = new StringBuilder();
        if (unexpected.Count > 0)
        {
            message.Append("EtlWeb logged errors that this test (or the end of the one before) did not expect")
                .Append(" (a test that provokes one on purpose declares it with ServerLog.ExpectError):\n")
                .AppendJoin("\n", unexpected).Append("\n\n");
        }

        if (missing.Count > 0)
        {
            message.Append("EtlWeb did not log the errors this test expected: ").AppendJoin(", ", missing).Append("\n\n");
        }

        return AppendTail(message).ToString();
    }

    /// <summary>Appends the last lines of the output; the caller holds the gate.</summary>
    private StringBuilder AppendTail(StringBuilder text)
    {
        text.Append("The last ").Append(Math.Min(TailLength, _lines.Count)).Append(" lines of EtlWeb's output:");
        foreach (var line in _lines.TakeLast(TailLength))
        {
            text.Append('\n').Append(line);
        }

        return text;
    }

    private sealed record Line(string Source, string Text, bool FromStderr)
    {
        /// <summary>A Serilog line starts with its time and level; on stderr an indented line continues the one before.</summary>
        public bool StartsEntry => FromStderr ? Text.Length > 0 && !char.IsWhiteSpace(Text[0]) : SerilogLine().IsMatch(Text);

        public bool IsError => FromStderr ? StartsEntry : SerilogLine().Match(Text) is { Success: true } m && m.Groups["level"].Value is "ERR" or "FTL";

        public override string ToString() => $"{Source}{(FromStderr ? " (stderr)" : "")} | {Text}";
    }

    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} (?<level>[A-Z]{3})\] ")]
    private static partial Regex SerilogLine();
}
