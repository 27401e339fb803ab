using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.MainScreen;

public enum JobSortColumn
{
    Name,
    Type,
    Schedule,
    Status,
    LastRun,
    NextRun,
}

/// <summary>
/// The jobs a tab shows and the filtered, sorted view the virtualized list shows. Loaded from a
/// <see cref="CatalogSnapshot"/> it holds the snapshot's own dictionary and, unfiltered by name, its own list: a tab
/// costs the references it shows, not a copy of the catalogue. A change replaces one row and rebuilds the view in
/// memory, so 10,000 jobs are never read again from the database for one event.
/// </summary>
public sealed class JobListModel
{
    private IReadOnlyDictionary<int, JobDocument> _jobs = new Dictionary<int, JobDocument>();
    private CatalogSnapshot? _snapshot;
    private IReadOnlyList<(string Path, int Count)>? _folders;

    /// <summary>What the list shows: a List so the virtualizer can index it without copying; never changed once shown.</summary>
    public List<JobDocument> View { get; private set; } = [];

    public bool Loaded { get; private set; }

    public int Total => _jobs.Count;

    public JobFilter Filter { get; private set; } = new();

    public JobSortColumn SortColumn { get; private set; } = JobSortColumn.Name;

    public bool SortDescending { get; private set; }

    /// <summary>Shows a snapshot of the shared catalogue (as the viewer may see it) without copying it.</summary>
    public void Load(CatalogSnapshot snapshot)
    {
        _snapshot = snapshot;
        _jobs = snapshot.Jobs;
        _folders = null;
        Loaded = true;
        Rebuild();
    }

    public void Load(IEnumerable<JobDocument> jobs)
    {
        _snapshot = null;
        _jobs = jobs.ToDictionary(j => j.Id!.Value);
        _folders = null;
        Loaded = true;
        Rebuild();
    }

    /// <summary>Puts the fresh documents of changed jobs in place; a null document means the job was deleted.</summary>
    public void Replace(IEnumerable<KeyValuePair<int, JobDocument?>> changes)
    {
        // A shared snapshot is never changed: the tab takes its own copy until the next snapshot comes.
        var jobs = _snapshot is null && _jobs is Dictionary<int, JobDocument> own ? own : new Dictionary<int, JobDocument>(_jobs);
        foreach (var (id, job) in changes)
        {
            if (job is null)
            {
                jobs.Remove(id);
            }
            else
            {
                jobs[id] = job;
            }
        }

        _snapshot = null;
        _jobs = jobs;
        _folders = null;
        Rebuild();
    }

    public JobDocument? Find(int id) => _jobs.GetValueOrDefault(id);

    public JobDocument? FindByName(string name) => _jobs.Values.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.Ordinal));

    /// <summary>The names of the jobs that list <paramref name="name"/> among their dependencies.</summary>
    public IReadOnlyList<JobDocument> DownstreamOf(string name) =>
        [.. _jobs.Values.Where(j => j.UpstreamNames().Contains(name, StringComparer.Ordinal)).OrderBy(j => j.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Every folder that holds a job, with each folder above it, and how many jobs each holds (its subfolders' too); the root first.</summary>
    public IReadOnlyList<(string Path, int Count)> Folders() => _folders ??= _snapshot?.Folders ?? CatalogSnapshot.FoldersOf(_jobs.Values);

    public void SetFilter(JobFilter filter)
    {
        Filter = filter;
        Rebuild();
    }

    /// <summary>A click on the current sort column turns its direction around; on another column sorts it ascending.</summary>
    public void SortBy(JobSortColumn column)
    {
        SortDescending = column == SortColumn && !SortDescending;
        SortColumn = column;
        Rebuild();
    }

    private void Rebuild()
    {
        if (_snapshot is not null && Filter == new JobFilter() && SortColumn == JobSortColumn.Name && !SortDescending)
        {
            View = _snapshot.ByName;
            return;
        }

        var matching = _jobs.Values.Where(Filter.Matches);
        var sorted = SortColumn switch
        {
            JobSortColumn.Type => Order(matching, j => j.JobType ?? ""),
            JobSortColumn.Schedule => Order(matching, JobDisplay.Schedule),
            JobSortColumn.Status => Order(matching, j => j.Status ?? "Idle"),
            // Never-run and unscheduled jobs go last whichever the direction: they have nothing to compare.
            JobSortColumn.LastRun => OrderByTime(matching, j => j.LastRunAt),
            JobSortColumn.NextRun => OrderByTime(matching, j => j.NextRunAt),
            _ => Order(matching, j => j.Name ?? ""),
        };
        View = [.. sorted.ThenBy(j => j.Name, StringComparer.Ordinal)];
    }

    private IOrderedEnumerable<JobDocument> Order(IEnumerable<JobDocument> jobs, Func<JobDocument, string> key) =>
        SortDescending ? jobs.OrderByDescending(key, StringComparer.OrdinalIgnoreCase) : jobs.OrderBy(key, StringComparer.OrdinalIgnoreCase);

    private IOrderedEnumerable<JobDocument> OrderByTime(IEnumerable<JobDocument> jobs, Func<JobDocument, DateTimeOffset?> key)
    {
        var withValue = jobs.OrderBy(j => key(j) is null);
        return SortDescending ? withValue.ThenByDescending(key) : withValue.ThenBy(key);
    }
}
