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
/// Every job in memory once, and the filtered, sorted view the virtualized list shows. A change replaces one
/// row and rebuilds the view in memory, so 10,000 jobs are never read again from the database for one event.
/// </summary>
public sealed class JobListModel
{
    private readonly Dictionary<int, JobDocument> _jobs = [];

    /// <summary>What the list shows: a List so the virtualizer can index it without copying.</summary>
    public List<JobDocument> View { get; private set; } = [];

    public bool Loaded { get; private set; }

    public int Total => _jobs.Count;

    public JobFilter Filter { get; private set; } = new();

    public JobSortColumn SortColumn { get; private set; } = JobSortColumn.Name;

    public bool SortDescending { get; private set; }

    public void Load(IEnumerable<JobDocument> jobs)
    {
        _jobs.Clear();
        foreach (var job in jobs)
        {
            _jobs[job.Id!.Value] = job;
        }

        Loaded = true;
        Rebuild();
    }

    /// <summary>Puts the fresh documents of changed jobs in place; a null document means the job was deleted.</summary>
    public void Replace(IEnumerable<KeyValuePair<int, JobDocument?>> changes)
    {
        foreach (var (id, job) in changes)
        {
            if (job is null)
            {
                _jobs.Remove(id);
            }
            else
            {
                _jobs[id] = job;
            }
        }

        Rebuild();
    }

    public JobDocument? Find(int id) => _jobs.GetValueOrDefault(id);

    public JobDocument? FindByName(string name) => _jobs.Values.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.Ordinal));

    /// <summary>The names of the jobs that list <paramref name="name"/> among their dependencies.</summary>
    public IReadOnlyList<JobDocument> DownstreamOf(string name) =>
        [.. _jobs.Values.Where(j => j.UpstreamNames().Contains(name, StringComparer.Ordinal)).OrderBy(j => j.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Every folder that holds a job, with each folder above it, and how many jobs each holds (its subfolders' too); the root first.</summary>
    public IReadOnlyList<(string Path, int Count)> Folders() =>
        [.. _jobs.Values.SelectMany(j => FolderPath.SelfAndAncestors(j.Folder ?? ""))
            .GroupBy(f => f, StringComparer.Ordinal)
            .Select(g => (Path: g.Key, Count: g.Count()))
            .OrderBy(f => f.Path.Replace('/', '\u0001'), StringComparer.OrdinalIgnoreCase)];

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
        View = [.. sorted.ThenBy(j => j.Name, StringComparer.OrdinalIgnoreCase)];
    }

    private IOrderedEnumerable<JobDocument> Order(IEnumerable<JobDocument> jobs, Func<JobDocument, string> key) =>
        SortDescending ? jobs.OrderByDescending(key, StringComparer.OrdinalIgnoreCase) : jobs.OrderBy(key, StringComparer.OrdinalIgnoreCase);

    private IOrderedEnumerable<JobDocument> OrderByTime(IEnumerable<JobDocument> jobs, Func<JobDocument, DateTimeOffset?> key)
    {
        var withValue = jobs.OrderBy(j => key(j) is null);
        return SortDescending ? withValue.ThenByDescending(key) : withValue.ThenBy(key);
    }
}
