using System.Globalization;

namespace EtlWeb.Features.Layout;

/// <summary>Small pieces of on-screen English shared by several screens.</summary>
public static class Wording
{
    /// <summary>"1 job", "10,000 jobs" (nouns with a plain plural only).</summary>
    public static string Count(int count, string noun) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} {noun}s";
}
