namespace EtlWeb.Core.Runs;

/// <summary>
/// Where two logs first differ: the line number (from 1, counting the job's own lines), the two differing lines (null
/// where one log ended), the common lines before it and a few lines of each log from it on.
/// </summary>
public sealed record LogDivergence(
    long Line, string? This, string? Other, IReadOnlyList<string> Before, IReadOnlyList<string> ThisAfter, IReadOnlyList<string> OtherAfter)
{
    /// <summary>Lines of context shown before and after the first difference.</summary>
    public const int Context = 3;

    /// <summary>The first difference of two logs read line by line (only as far as it), or null when they are the same.</summary>
    public static async Task<LogDivergence?> FindAsync(IAsyncEnumerable<string> mine, IAsyncEnumerable<string> other, CancellationToken cancellationToken = default)
    {
        await using var a = mine.GetAsyncEnumerator(cancellationToken);
        await using var b = other.GetAsyncEnumerator(cancellationToken);
        var before = new Queue<string>();
        for (long line = 1; ; line++)
        {
            var (hasA, hasB) = (await a.MoveNextAsync(), await b.MoveNextAsync());
            if (!hasA && !hasB)
            {
                return null;
            }

            var (lineA, lineB) = (hasA ? a.Current : null, hasB ? b.Current : null);
            if (hasA && hasB && string.Equals(lineA, lineB, StringComparison.Ordinal))
            {
                before.Enqueue(lineA!);
                if (before.Count > Context)
                {
                    before.Dequeue();
                }

                continue;
            }

            var afterA = hasA ? await NextAsync(a, Context - 1) : [];
            var afterB = hasB ? await NextAsync(b, Context - 1) : [];
            return new LogDivergence(line, lineA, lineB, [.. before], afterA, afterB);
        }
    }

    private static async Task<List<string>> NextAsync(IAsyncEnumerator<string> lines, int count)
    {
        var next = new List<string>();
        while (next.Count < count && await lines.MoveNextAsync())
        {
            next.Add(lines.Current);
        }

        return next;
    }
}
