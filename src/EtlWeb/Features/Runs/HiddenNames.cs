using System.Text.RegularExpressions;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>
/// The names of the jobs the acting user may not see, to be said as "a hidden job" where a run's reason names them
/// (the engine writes "waiting for: Extract (never ran)" whoever will read it).
/// </summary>
public sealed class HiddenNames
{
    public const string Placeholder = "a hidden job";

    private static readonly HiddenNames None = new([]);

    private readonly Regex? _names;

    private HiddenNames(IReadOnlyCollection<string> names) =>
        _names = names.Count == 0
            ? null
            : new Regex(@"(?<![\w])(" + string.Join('|', names.OrderByDescending(n => n.Length).Select(Regex.Escape)) + @")(?![\w])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The hidden names of the acting user: none for one who sees every folder.</summary>
    public static async Task<HiddenNames> OfAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        if (FolderVisibility.Current is null)
        {
            return None;
        }

        var visible = (await db.Jobs.AsNoTracking().Select(j => j.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        List<string> all;
        using (FolderVisibility.Restrict(null))
        {
            all = await db.Jobs.AsNoTracking().Select(j => j.Name).ToListAsync(cancellationToken);
        }

        return new HiddenNames([.. all.Where(n => !visible.Contains(n))]);
    }

    /// <summary>The run as the acting user may read it, with its wait reason: the jobs they may not see are "a hidden job".</summary>
    public RunDocument Apply(RunDocument run, string? waitingFor = null) => run with { WaitingFor = Redact(waitingFor ?? run.WaitingFor), Reason = Redact(run.Reason) };

    /// <summary>The text with each hidden job's name replaced by <see cref="Placeholder"/>.</summary>
    public string? Redact(string? text) => text is null || _names is null ? text : _names.Replace(text, Placeholder);
}
