using Blazor.Diagrams;
using Blazor.Diagrams.Core.Geometry;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The stubs of a <see cref="FolderView"/>: drawn afresh beside the boxes they link to on every update (a stub beside
/// its first box, upstream ones to the left and downstream ones to the right, stacked), never saved.
/// </summary>
public sealed class StubLayer(BlazorDiagram diagram)
{
    private const double Gap = 60;
    private const double Spacing = 8;

    private readonly List<StubBox> _stubs = [];
    private readonly List<StubLink> _links = [];

    public int Count => _stubs.Count;

    /// <summary>Replaces the stubs shown by those of <paramref name="view"/>; an edge whose box is not shown is left out.</summary>
    public void Show(FolderView view, Func<int, JobBox?> boxOf)
    {
        diagram.Batch(() =>
        {
            foreach (var link in _links)
            {
                diagram.Links.Remove(link);
            }

            foreach (var stub in _stubs)
            {
                diagram.Nodes.Remove(stub);
            }

            _links.Clear();
            _stubs.Clear();
            var ends = view.Stubs.ToDictionary(s => s.Key, StringComparer.Ordinal);
            var placed = new Dictionary<string, StubBox>(StringComparer.Ordinal);
            var stacked = new Dictionary<(int JobId, bool Left), int>();
            foreach (var edge in view.Edges)
            {
                if (boxOf(edge.JobId) is not { } box || !ends.TryGetValue(edge.StubKey, out var end))
                {
                    continue;
                }

                if (!placed.TryGetValue(end.Key, out var stub))
                {
                    var side = (box.JobId, edge.StubIsUpstream);
                    var index = stacked.GetValueOrDefault(side);
                    stacked[side] = index + 1;
                    var x = edge.StubIsUpstream ? box.Position.X - Gap - StubBox.Width : box.Position.X + JobBox.Width + Gap;
                    var y = box.Position.Y + ((JobBox.Height - StubBox.Height) / 2) + (index * (StubBox.Height + Spacing));
                    stub = new StubBox(end, new Point(x, y));
                    placed[end.Key] = stub;
                    _stubs.Add(stub);
                    diagram.Nodes.Add(stub);
                }

                var link = new StubLink(stub, box, edge.StubIsUpstream);
                _links.Add(link);
                diagram.Links.Add(link);
            }
        });
    }
}
