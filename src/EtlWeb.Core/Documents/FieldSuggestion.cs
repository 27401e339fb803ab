using Quickenshtein;

namespace EtlWeb.Core.Documents;

/// <summary>The known field a misspelt one most likely meant.</summary>
public static class FieldSuggestion
{
    /// <summary>
    /// The known name closest to <paramref name="unknown"/> by edit distance (case ignored), when it is close enough
    /// to be a typo: one edit in a name of up to four letters, two up to eight, three beyond.
    /// </summary>
    public static string? Closest(string unknown, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            var distance = Levenshtein.GetDistance(unknown.ToLowerInvariant(), name.ToLowerInvariant());
            if (distance < bestDistance && distance <= Allowed(Math.Max(unknown.Length, name.Length)))
            {
                best = name;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Allowed(int length) => length switch
    {
        <= 4 => 1,
        <= 8 => 2,
        _ => 3,
    };

    /// <summary>"Unknown field 'x'." with "Did you mean 'y'?" when a known field is close.</summary>
    public static string Describe(string unknown, IEnumerable<string> known) =>
        Closest(unknown, known) is { } close
            ? $"Unknown field '{unknown}'. Did you mean '{close}'?"
            : $"Unknown field '{unknown}'.";
}
