using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>The fields of /proc/&lt;pid&gt;/stat the tree kill and the tree's accounting need.</summary>
/// <param name="CpuTicks">User and system time of the process and of its children it waited for, in clock ticks.</param>
/// <param name="ResidentPages">Its resident set, in pages.</param>
internal readonly record struct ProcStat(char State, int ProcessGroup, long CpuTicks, long ResidentPages)
{
    /// <summary>Zombie or dead: the process has ended and only waits to be reaped by its parent.</summary>
    public bool HasEnded => State is 'Z' or 'X';

    public static bool TryRead(int pid, out ProcStat stat) => TryRead($"/proc/{pid}/stat", out stat);

    public static int? OwnGroup() => TryRead("/proc/self/stat", out var stat) ? stat.ProcessGroup : null;

    private static bool TryRead(string path, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return TryParse(text, out stat);
    }

    /// <summary>Parses one stat line; the fields past the process group are 0 where the line is short.</summary>
    public static bool TryParse(string text, out ProcStat stat)
    {
        stat = default;
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group))
        {
            return false;
        }

        // Fields 14 to 17 of the line (utime, stime, cutime, cstime) and 24 (rss); the state is field 3.
        var ticks = Field(fields, 11) + Field(fields, 12) + Field(fields, 13) + Field(fields, 14);
        stat = new ProcStat(fields[0][0], group, ticks, Field(fields, 21));
        return true;
    }

    /// <summary>The children's CPU time in the line, in clock ticks (fields 16 and 17): what the process waited for.</summary>
    public static long ChildrenTicks(string text, bool system)
    {
        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Field(fields, system ? 14 : 13);
    }

    private static long Field(string[] fields, int index) =>
        index < fields.Length && long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
