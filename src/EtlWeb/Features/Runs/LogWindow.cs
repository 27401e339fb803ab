using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>
/// An edit of the lines a viewer shows: drop lines from either end, then add lines before and after; with
/// <see cref="Replace"/> everything shown goes first.
/// </summary>
public sealed record LogWindowChange(bool Replace, int DropTop, int DropBottom, IReadOnlyList<LogLine> Prepend, IReadOnlyList<LogLine> Append)
{
    public static LogWindowChange None { get; } = new(false, 0, 0, [], []);

    public bool IsEmpty => !Replace && DropTop == 0 && DropBottom == 0 && Prepend.Count == 0 && Append.Count == 0;
}

/// <summary>
/// Which lines of an attempt's log a viewer holds: consecutive line numbers [<see cref="First"/>, <see cref="Next"/>),
/// never more than <see cref="MaxLines"/>. A log opens at its tail; older and newer pages are read on demand,
/// and past the bound the far end is dropped, so a million-line log costs the browser no more than a short one.
/// Every change returns the edit that turns the old window into the new one.
/// </summary>
public sealed class LogWindow
{
    public LogWindow(int pageSize = 2_000, int maxLines = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 2 * pageSize);
        PageSize = pageSize;
        MaxLines = maxLines;
    }

    public int PageSize { get; }

    public int MaxLines { get; }

    public long First { get; private set; }

    public long Next { get; private set; }

    public long Count => Next - First;

    /// <summary>How many lines the attempt is known to have: stored, or seen live.</summary>
    public long KnownLines { get; private set; }

    public bool HasEarlier => First > 0;

    public bool HasLater => Next < KnownLines;

    /// <summary>After trimming the window keeps room for a page, so following a fast log rewrites it once a page, not once a batch.</summary>
    private int TrimmedSize => MaxLines - PageSize;

    public void Observe(long knownLines) => KnownLines = Math.Max(KnownLines, knownLines);

    /// <summary>Shows <paramref name="page"/> instead of whatever was shown (its last <see cref="MaxLines"/> lines).</summary>
    public LogWindowChange Reset(LogPage page)
    {
        Observe(page.StoredLines);
        var lines = Contiguous(page.Lines);
        if (lines.Count > MaxLines)
        {
            lines = lines.Skip(lines.Count - MaxLines).ToList();
        }

        Observe(lines.Count > 0 ? lines[^1].Number + 1 : 0);
        First = lines.Count > 0 ? lines[0].Number : KnownLines;
        Next = First + lines.Count;
        return new LogWindowChange(true, 0, 0, [], lines);
    }

    /// <summary>The page before the window: where it starts and how many lines it has (zero at the start of the log).</summary>
    public (long From, int Count) EarlierPage()
    {
        var from = Math.Max(0, First - PageSize);
        return (from, (int)(First - from));
    }

    /// <summary>The page after the window.</summary>
    public (long From, int Count) LaterPage() => (Next, PageSize);

    /// <summary>A page centred on <paramref name="line"/>, for jumping to a search hit.</summary>
    public (long From, int Count) PageAround(long line) => (Math.Max(0, line - (PageSize / 2)), PageSize);

    /// <summary>
    /// Lines that must be read from the store before live lines starting at <paramref name="firstLive"/> can be
    /// appended without a gap; null when there is no gap. Never more than a page: older ones would be dropped anyway.
    /// </summary>
    public (long From, int Count)? GapBefore(long firstLive)
    {
        if (firstLive <= Next)
        {
            return null;
        }

        var from = Math.Max(Next, firstLive - PageSize);
        return (from, (int)(firstLive - from));
    }

    /// <summary>Adds the lines that end just before the window; the newest lines go when the window would grow too long.</summary>
    public LogWindowChange Prepend(IReadOnlyList<LogLine> lines)
    {
        var older = lines.Where(l => l.Number < First).ToList();
        if (older.Count == 0 || older[^1].Number != First - 1 || !IsContiguous(older))
        {
            return LogWindowChange.None;
        }

        First = older[0].Number;
        var drop = Count > MaxLines ? (int)(Count - TrimmedSize) : 0;
        Next -= drop;
        return new LogWindowChange(false, 0, drop, older, []);
    }

    /// <summary>
    /// Adds lines after the window; lines it already holds are skipped. Lines that do not join the window
    /// (a gap) replace it. The oldest lines go when the window would grow too long.
    /// </summary>
    public LogWindowChange Append(IReadOnlyList<LogLine> lines)
    {
        var newer = Contiguous(lines.Where(l => l.Number >= Next).ToList());
        if (newer.Count == 0)
        {
            return LogWindowChange.None;
        }

        Observe(newer[^1].Number + 1);
        if (newer[0].Number > Next || newer.Count > TrimmedSize)
        {
            return Reset(new LogPage(newer.Count > TrimmedSize ? newer.GetRange(newer.Count - TrimmedSize, TrimmedSize) : newer, 0));
        }

        Next += newer.Count;
        var drop = Count > MaxLines ? (int)(Count - TrimmedSize) : 0;
        First += drop;
        return new LogWindowChange(false, drop, 0, [], newer);
    }

    /// <summary>The longest run of consecutive numbers at the start of <paramref name="lines"/> (the input is in order).</summary>
    private static List<LogLine> Contiguous(IReadOnlyList<LogLine> lines)
    {
        var result = new List<LogLine>(lines.Count);
        foreach (var line in lines)
        {
            if (result.Count > 0 && line.Number != result[^1].Number + 1)
            {
                break;
            }

            result.Add(line);
        }

        return result;
    }

    private static bool IsContiguous(List<LogLine> lines) => lines[^1].Number - lines[0].Number == lines.Count - 1;
}
