using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The diagram behind the designer page: one <see cref="JobBox"/> per job and one <see cref="DependencyLink"/> per
/// dependency, brought in line with the job documents on every live update (only what changed is touched), and the
/// view commands (layout, zoom, centre). Links the person draws are handed to <see cref="LinkDrawn"/> and never kept:
/// a dependency appears only once the catalogue has stored it.
/// </summary>
public sealed partial class DesignerDiagram
{
    public const double ColumnWidth = JobBox.Width + 120;
    public const double RowHeight = JobBox.Height + 32;
    private const double Margin = 40;

    private readonly Dictionary<int, JobBox> _boxes = [];
    private readonly Dictionary<(int Upstream, int Downstream), DependencyLink> _links = [];
    private readonly HashSet<int> _laidOut = [];
    private bool _readOnly;

    public DesignerDiagram()
    {
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = true,
            Zoom = { Minimum = 0.05, Maximum = 2.5 },
            Links =
            {
                DefaultColor = "#78909c",
                DefaultSelectedColor = "#1e88e5",
                RequireTarget = true,
                EnableSnapping = true,
                SnappingRadius = 24,
                Factory = (_, source, target) => source is JobPort port ? new LinkModel(new SinglePortAnchor(port), target) { TargetMarker = LinkMarker.Arrow } : null,
            },
            Constraints =
            {
                // A job is deleted from the main screen, with its own confirmation; the Delete key only removes links.
                ShouldDeleteNode = _ => ValueTask.FromResult(false),
            },
        };
        Diagram = new BlazorDiagram(options);
        Diagram.RegisterComponent<JobBox, JobBoxWidget>();
        Diagram.RegisterComponent<StubBox, StubWidget>();
        Stubs = new StubLayer(Diagram);
        Diagram.Links.Added += OnLinkAdded;
    }

    public BlazorDiagram Diagram { get; }

    /// <summary>The far ends of links to jobs not shown as boxes.</summary>
    public StubLayer Stubs { get; }

    /// <summary>A drag moved the box (raised once, at the drop).</summary>
    public event Action<JobBox>? BoxMoved;

    /// <summary>The person drew a link, read as upstream -> downstream whichever end they started from.</summary>
    public event Action<JobBox, JobBox>? LinkDrawn;

    public int BoxCount => _boxes.Count;

    /// <summary>Boxes cannot be moved nor links drawn: for the roles that cannot edit jobs. Applies to the boxes shown too.</summary>
    public bool ReadOnly
    {
        get => _readOnly;
        set
        {
            _readOnly = value;
            foreach (var box in _boxes.Values)
            {
                Lock(box);
            }
        }
    }

    public int LinkCount => _links.Count;

    public DependencyLink? SelectedLink => Diagram.GetSelectedModels().OfType<DependencyLink>().FirstOrDefault();

    public JobBox? Find(int jobId) => _boxes.GetValueOrDefault(jobId);

    public static BoxPosition PositionOf(JobBox box) => new(Math.Round(box.Position.X), Math.Round(box.Position.Y));

    /// <summary>
    /// The places of the boxes shown where the layout put them, not saved yet, and forgets them: the first move saves
    /// them with the moved box, so the picture it was moved in stays as it was.
    /// </summary>
    public IReadOnlyDictionary<int, BoxPosition> TakeLaidOut()
    {
        var positions = _laidOut.Where(_boxes.ContainsKey).ToDictionary(id => id, id => PositionOf(_boxes[id]));
        _laidOut.Clear();
        return positions;
    }

    /// <summary>
    /// Brings the diagram in line with the jobs. New jobs with a saved position go there; the others are laid out
    /// by <see cref="LayeredLayout"/> below what is already placed; those places are shown, not saved (opening the
    /// designer writes nothing: a place is saved when a person moves the box or asks for Auto layout).
    /// </summary>
    public void Show(IReadOnlyCollection<JobDocument> jobs)
    {
        var ids = jobs.ToDictionary(j => j.Name ?? "", j => j.Id!.Value, StringComparer.Ordinal);
        var links = jobs
            .SelectMany(j => (j.Dependencies ?? []).OfType<DependencyDocument>().Where(d => d.Job is not null && ids.ContainsKey(d.Job))
                .Select(d => (Key: (Upstream: ids[d.Job!], Downstream: j.Id!.Value), Link: d)))
            .DistinctBy(l => l.Key)
            .ToDictionary(l => l.Key, l => l.Link);
        var edges = links.Keys.ToHashSet();
        Diagram.Batch(() =>
        {
            RemoveGone(jobs, edges);
            var fresh = new List<JobDocument>();
            foreach (var job in jobs)
            {
                if (!_boxes.TryGetValue(job.Id!.Value, out var box))
                {
                    fresh.Add(job);
                }
                else if (box.Show(job))
                {
                    box.Refresh();
                }
            }

            AddBoxes(fresh, jobs, edges);
            foreach (var (key, document) in links)
            {
                var when = document.ToLink().When;
                if (_links.TryGetValue(key, out var shown))
                {
                    if (shown.Apply(when, document.Condition))
                    {
                        shown.Refresh();
                    }

                    continue;
                }

                var link = new DependencyLink(_boxes[key.Upstream], _boxes[key.Downstream], when, document.Condition);
                _links[key] = link;
                Diagram.Links.Add(link);
            }
        });
    }

    /// <summary>Lays every box out afresh; returns the new positions, to be saved.</summary>
    public IReadOnlyDictionary<int, BoxPosition> ArrangeAll()
    {
        var cells = Arrange(_boxes.Values.OrderBy(n => n.Face.Name, StringComparer.OrdinalIgnoreCase).Select(n => n.JobId), _links.Keys);
        var positions = new Dictionary<int, BoxPosition>();
        Diagram.Batch(() =>
        {
            foreach (var (id, cell) in cells)
            {
                var position = Place(cell, top: Margin, firstRow: 0);
                _boxes[id].SetPosition(position.X, position.Y);
                positions[id] = position;
            }
        });
        _laidOut.Clear();
        return positions;
    }

    private void RemoveGone(IReadOnlyCollection<JobDocument> jobs, HashSet<(int Upstream, int Downstream)> edges)
    {
        foreach (var (key, link) in _links.Where(l => !edges.Contains(l.Key)).ToList())
        {
            _links.Remove(key);
            Diagram.Links.Remove(link);
        }

        var present = jobs.Select(j => j.Id!.Value).ToHashSet();
        foreach (var (id, box) in _boxes.Where(n => !present.Contains(n.Key)).ToList())
        {
            _boxes.Remove(id);
            _laidOut.Remove(id);
            Diagram.Nodes.Remove(box);
        }
    }

    private void AddBoxes(List<JobDocument> fresh, IReadOnlyCollection<JobDocument> jobs, HashSet<(int Upstream, int Downstream)> edges)
    {
        if (fresh.Count == 0)
        {
            return;
        }

        var unplaced = fresh.Where(j => j.DesignerX is null || j.DesignerY is null).Select(j => j.Id!.Value).ToHashSet();
        var placedBottom = _boxes.Values.Select(n => n.Position.Y)
            .Concat(fresh.Where(j => !unplaced.Contains(j.Id!.Value)).Select(j => j.DesignerY!.Value))
            .DefaultIfEmpty(double.NaN).Max();
        var top = double.IsNaN(placedBottom) ? Margin : placedBottom + (2 * RowHeight);
        var cells = unplaced.Count == 0
            ? new Dictionary<int, LayoutCell>()
            : Arrange(jobs.OrderBy(j => j.Name, StringComparer.OrdinalIgnoreCase).Select(j => j.Id!.Value), edges)
                .Where(c => unplaced.Contains(c.Key)).ToDictionary();
        var firstRow = cells.Count == 0 ? 0 : cells.Values.Min(c => c.Row);
        foreach (var job in fresh)
        {
            var id = job.Id!.Value;
            var position = cells.TryGetValue(id, out var cell) ? Place(cell, top, firstRow) : new BoxPosition(job.DesignerX!.Value, job.DesignerY!.Value);
            if (cells.ContainsKey(id))
            {
                _laidOut.Add(id);
            }

            var box = new JobBox(job, new Point(position.X, position.Y));
            Lock(box);
            box.Moved += _ => BoxMoved?.Invoke(box);
            _boxes[id] = box;
            Diagram.Nodes.Add(box);
        }
    }

    private void Lock(JobBox box)
    {
        box.Locked = _readOnly;
        box.Input.Locked = _readOnly;
        box.Output.Locked = _readOnly;
    }

    private static IReadOnlyDictionary<int, LayoutCell> Arrange(IEnumerable<int> boxes, IEnumerable<(int Upstream, int Downstream)> edges) =>
        LayeredLayout.Arrange([.. boxes], edges);

    private static BoxPosition Place(LayoutCell cell, double top, double firstRow) =>
        new(Margin + (cell.Column * ColumnWidth), Math.Round(top + ((cell.Row - firstRow) * RowHeight)));

    private void OnLinkAdded(BaseLinkModel link)
    {
        if (link is not DependencyLink)
        {
            link.TargetAttached += OnTargetAttached;
        }
    }

    private void OnTargetAttached(BaseLinkModel link)
    {
        link.TargetAttached -= OnTargetAttached;
        Diagram.Links.Remove(link);
        var source = (link.Source as SinglePortAnchor)?.Port as JobPort;
        var target = link.Target.Model switch
        {
            JobPort port => port.Box,
            JobBox box => box,
            _ => null,
        };
        if (source is not null && target is not null)
        {
            var (upstream, downstream) = source.IsOutput ? (source.Box, target) : (target, source.Box);
            LinkDrawn?.Invoke(upstream, downstream);
        }
    }
}
