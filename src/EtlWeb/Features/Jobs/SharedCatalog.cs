using System.Collections.Concurrent;
using System.Collections.Immutable;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Layout;
using EtlWeb.Realtime;
using EtlWeb.Security;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// The job catalogue in memory once for the whole process, however many tabs show it: read on first use, then kept
/// current from the job changes and run events in batches (<see cref="ChangeBatcher{T}"/>), by EtlWeb's engine, which
/// sees every folder. A batch first shows the statuses the run events carry, then reads the touched jobs again (in one
/// read for them all, the whole catalogue only for more than a thousand) and publishes one new
/// <see cref="CatalogSnapshot"/> to every tab. A tab never reads the database for an event; it takes
/// <see cref="CatalogSnapshot.For"/> its viewer, made once per snapshot for all the viewers who see the same. While no
/// tab is open it is dropped at the next change, so runs cost nothing here when nobody looks, and the next tab reads it
/// again.
/// </summary>
public sealed class SharedCatalog : IDisposable
{
    /// <summary>Above this many touched jobs, one read of the whole catalogue costs less than reading them.</summary>
    public const int ReadTouchedUpTo = 1000;

    private readonly JobCatalog _catalog;
    private readonly ChangeBatcher<int> _batcher;
    private readonly Subscribers<CatalogSnapshot> _subscribers = new();
    private readonly ConcurrentDictionary<int, RunChanged> _latestRuns = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IDisposable _jobChanges;
    private readonly IDisposable _runChanges;
    private volatile CatalogSnapshot? _current;
    private int _watchers;

    private readonly ILogger<SharedCatalog> _logger;

    public SharedCatalog(JobCatalog catalog, JobChangeFeed changes, RunBroadcaster runs, TimeProvider time, ILogger<SharedCatalog> logger)
    {
        _catalog = catalog;
        _logger = logger;
        _batcher = new ChangeBatcher<int>(TimeSpan.FromMilliseconds(300), time, ApplyAsync);

        // Subscribed as the engine: the callbacks run in the context they were subscribed from, never a tab's.
        using (CurrentActor.AsSystem())
        {
            _jobChanges = changes.Subscribe(_batcher.Add);
            _runChanges = runs.SubscribeRuns(change =>
            {
                _latestRuns.AddOrUpdate(change.JobId, change, (_, known) => change.RunId >= known.RunId ? change : known);
                _batcher.Add(change.JobId);
            });
        }
    }

    /// <summary>How many times the whole catalogue was read from the database (once, and again for a big batch or a Refresh).</summary>
    public int FullReads { get; private set; }

    /// <summary>Calls <paramref name="onChanged"/> with each new snapshot, in the subscriber's context, until disposed.</summary>
    public IDisposable Subscribe(Action<CatalogSnapshot> onChanged)
    {
        Interlocked.Increment(ref _watchers);
        var subscription = _subscribers.Add(onChanged);
        return new Subscription(() =>
        {
            subscription.Dispose();
            Interlocked.Decrement(ref _watchers);
        });
    }

    /// <summary>
    /// The current snapshot, read from the database on first use: every job of every folder, with its webhook token, as
    /// EtlWeb's engine sees it. A person is shown only <see cref="CatalogSnapshot.For"/> them.
    /// </summary>
    public async Task<CatalogSnapshot> CurrentAsync(CancellationToken cancellationToken = default) =>
        _current ?? await LoadAsync(force: false, cancellationToken);

    /// <summary>Reads the whole catalogue again (the Refresh button) and gives every tab the result.</summary>
    public Task ReloadAsync(CancellationToken cancellationToken = default) => LoadAsync(force: true, cancellationToken);

    private async Task<CatalogSnapshot> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!force && _current is { } loaded)
            {
                return loaded;
            }

            using var engine = CurrentActor.AsSystem();
            var all = await _catalog.ListAsync(cancellationToken);
            FullReads++;
            return Publish(Next(all.ToImmutableDictionary(j => j.Id!.Value)));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Boxes moved in the designer, in the snapshot at once: a position is not a change of the job, so nothing else
    /// announces it, and a designer opened right after must find the boxes where they were put.
    /// </summary>
    public async Task MovedAsync(IReadOnlyDictionary<int, (double X, double Y)> positions)
    {
        await _gate.WaitAsync();
        try
        {
            if (_current is not { } current)
            {
                return;
            }

            var jobs = current.Jobs.ToBuilder();
            foreach (var (id, (x, y)) in positions)
            {
                if (jobs.TryGetValue(id, out var job))
                {
                    jobs[id] = job with { DesignerX = x, DesignerY = y };
                }
            }

            Publish(Next(jobs.ToImmutable()));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyAsync(IReadOnlySet<int> ids)
    {
        await _gate.WaitAsync();
        try
        {
            if (_current is not { } current || Volatile.Read(ref _watchers) == 0)
            {
                // Nobody is looking: nothing is read for the runs, and the next tab's first read brings it all.
                _latestRuns.Clear();
                _current = null;
                return;
            }

            using var engine = CurrentActor.AsSystem();
            current = ShowRunStatuses(current);
            if (ids.Count > ReadTouchedUpTo)
            {
                var all = await _catalog.ListAsync();
                FullReads++;
                Publish(Next(all.ToImmutableDictionary(j => j.Id!.Value)));
                return;
            }

            var jobs = await ReadAsync(current.Jobs, ids);
            // A renamed or deleted job changes the links of the jobs downstream of it: they are read again too.
            var renamed = ids.Select(current.Jobs.GetValueOrDefault).OfType<JobDocument>()
                .Where(before => jobs.GetValueOrDefault(before.Id!.Value)?.Name != before.Name).Select(before => before.Name).ToHashSet(StringComparer.Ordinal);
            var downstream = renamed.Count == 0 ? [] : jobs.Values.Where(j => j.UpstreamNames().Any(renamed.Contains)).Select(j => j.Id!.Value).ToHashSet();
            Publish(Next(downstream.Count == 0 ? jobs : await ReadAsync(jobs, downstream)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next event (or a Refresh) reads again; the tabs keep the snapshot they have.
            _logger.LogWarning(ex, "Updating the shared job catalogue failed");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The touched jobs read again, all in one read; one no longer there was deleted.</summary>
    private async Task<ImmutableDictionary<int, JobDocument>> ReadAsync(ImmutableDictionary<int, JobDocument> jobs, IReadOnlyCollection<int> ids)
    {
        var read = (await _catalog.ListOfAsync(ids)).ToDictionary(j => j.Id!.Value);
        var updated = jobs.ToBuilder();
        foreach (var id in ids)
        {
            if (read.TryGetValue(id, out var job))
            {
                updated[id] = job;
            }
            else
            {
                updated.Remove(id);
            }
        }

        return updated.ToImmutable();
    }

    /// <summary>The status a run event carries is shown at once; the read that follows brings the times.</summary>
    private CatalogSnapshot ShowRunStatuses(CatalogSnapshot current)
    {
        var jobs = current.Jobs;
        foreach (var jobId in _latestRuns.Keys)
        {
            if (_latestRuns.TryRemove(jobId, out var change) && jobs.GetValueOrDefault(jobId) is { } job && job.Status != change.Status.ToString())
            {
                jobs = jobs.SetItem(jobId, job with { Status = change.Status.ToString() });
            }
        }

        return ReferenceEquals(jobs, current.Jobs) ? current : Publish(Next(jobs));
    }

    private CatalogSnapshot Next(ImmutableDictionary<int, JobDocument> jobs) => new(jobs, (_current?.Version ?? 0) + 1);

    private CatalogSnapshot Publish(CatalogSnapshot snapshot)
    {
        _current = snapshot;
        _subscribers.Publish(snapshot);
        return snapshot;
    }

    public void Dispose()
    {
        _jobChanges.Dispose();
        _runChanges.Dispose();
        _batcher.Dispose();
        _gate.Dispose();
    }
}
