using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>The fields of /proc/&lt;pid&gt;/stat the tree kill needs.</summary>
internal readonly record struct ProcStat(char State, int ProcessGroup)
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

        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], group);
        return true;
    }
}
