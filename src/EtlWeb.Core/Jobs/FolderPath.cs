namespace EtlWeb.Core.Jobs;

/// <summary>
/// A job's folder: a path of names separated by '/' (<c>finance/daily</c>), empty for the root. A folder holds its
/// jobs and every folder below it, so a role granted on <c>finance</c> (also written <c>finance/**</c>) covers
/// <c>finance/daily</c> too.
/// </summary>
public static class FolderPath
{
    public const int MaxLength = 200;

    public const int MaxSegmentLength = 64;

    public const int MaxDepth = 8;

    /// <summary>The path as stored: spaces around it and around each '/' and the '/' at either end removed; a trailing <c>/**</c> dropped.</summary>
    public static string Normalize(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.EndsWith("/**", StringComparison.Ordinal) || trimmed == "**")
        {
            trimmed = trimmed[..^2];
        }

        return string.Join('/', trimmed.Trim('/').Split('/').Select(s => s.Trim())).Trim('/');
    }

    /// <summary>Why <paramref name="path"/> (normalized) is not a folder path, or null when it is one.</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        if (path.Length > MaxLength)
        {
            return $"The folder path is {path.Length} characters long; at most {MaxLength} are allowed.";
        }

        var segments = path.Split('/');
        if (segments.Length > MaxDepth)
        {
            return $"'{path}' is {segments.Length} folders deep; at most {MaxDepth} are allowed.";
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0)
            {
                return $"'{path}' has an empty folder name between two '/'.";
            }

            if (segment is "." or ".." || segment.Length > MaxSegmentLength || !segment.All(IsNameCharacter))
            {
                return $"'{segment}' is not a folder name: use 1 to {MaxSegmentLength} letters, digits, spaces, '.', '_' or '-' (not '.' or '..').";
            }
        }

        return null;
    }

    /// <summary>Whether the folder <paramref name="ancestor"/> holds <paramref name="path"/>: itself, or a folder below it. The root holds all.</summary>
    public static bool Covers(string ancestor, string path) =>
        ancestor.Length == 0
        || string.Equals(ancestor, path, StringComparison.Ordinal)
        || (path.Length > ancestor.Length && path[ancestor.Length] == '/' && path.StartsWith(ancestor, StringComparison.Ordinal));

    /// <summary>The folder and each folder above it, the root last: <c>a/b</c> gives <c>a/b</c>, <c>a</c>, "".</summary>
    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        for (var current = path; ; current = Parent(current))
        {
            yield return current;
            if (current.Length == 0)
            {
                yield break;
            }
        }
    }

    /// <summary>The folder above; the root's parent is the root.</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>The last name of the path ("" for the root).</summary>
    public static string Leaf(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c is ' ' or '.' or '_' or '-';
}
