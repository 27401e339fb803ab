using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Consecutive stored lines of one attempt, and how many lines the attempt had stored when they were read
/// (so a viewer knows what lies beyond the page without decoding it).
/// </summary>
public sealed record LogPage(IReadOnlyList<LogLine> Lines, long StoredLines)
{
    public static LogPage Empty(long storedLines) => new([], storedLines);
}
