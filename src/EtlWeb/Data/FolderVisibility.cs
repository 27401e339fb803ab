namespace EtlWeb.Data;

/// <summary>
/// The folders whose jobs the acting user may see, flowing with the async context as the actor does: null while the
/// actor sees every folder (a global role, EtlWeb's own engine, or no actor at all, which the services refuse anyway).
/// Every query of <see cref="EtlDbContext"/> reads it: jobs outside these folders, and their runs, are not there.
/// </summary>
public static class FolderVisibility
{
    private static readonly AsyncLocal<string[]?> Ambient = new();

    /// <summary>The visible folders (each with everything below it), or null for all.</summary>
    public static IReadOnlyList<string>? Current => Ambient.Value;

    /// <summary>Sets the visible folders until disposed; null lifts the restriction.</summary>
    public static IDisposable Restrict(IReadOnlyList<string>? folders)
    {
        var previous = Ambient.Value;
        Ambient.Value = folders is null ? null : [.. folders];
        return new Restore(previous);
    }

    /// <summary>
    /// Narrows what is visible to <paramref name="folder"/> and the folders below it, within what the actor may see, until
    /// disposed: a list filtered by folder (<c>?folder=finance</c>) is the same query as the unfiltered one.
    /// </summary>
    public static IDisposable Narrow(string folder)
    {
        if (folder.Length == 0)
        {
            return Restrict(Ambient.Value);
        }

        var visible = Ambient.Value is { } current
            ? current.Select(v => Core.Jobs.FolderPath.Covers(v, folder) ? folder : Core.Jobs.FolderPath.Covers(folder, v) ? v : null).OfType<string>().Distinct().ToArray()
            : [folder];
        return Restrict(visible);
    }

    private sealed class Restore(string[]? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
