namespace EtlWeb.Core.Jobs;

/// <summary>Where the layered layout puts a job: the column is its dependency depth, the row its place in that column.</summary>
public readonly record struct LayoutCell(int Column, double Row);

/// <summary>
/// Lays the dependency graph out left to right: a job's column is the longest chain of upstream jobs before it,
/// and a few barycenter sweeps order each column by the rows of its neighbours, which removes most crossings.
/// Columns are centred on each other. Jobs with no dependency either way fill a grid below, so a catalogue of
/// many unrelated jobs does not become one endless first column.
/// </summary>
public static class LayeredLayout
{
    private const int Sweeps = 4;

    /// <param name="nodes">Every job, in the order ties keep (by name, say).</param>
    /// <param name="edges">Upstream -> downstream pairs; edges to unknown jobs and self-edges are ignored.</param>
    public static IReadOnlyDictionary<int, LayoutCell> Arrange(IReadOnlyList<int> nodes, IEnumerable<(int Upstream, int Downstream)> edges)
    {
        var known = nodes.ToHashSet();
        var upstream = nodes.ToDictionary(n => n, _ => new List<int>());
        var downstream = nodes.ToDictionary(n => n, _ => new List<int>());
        foreach (var (up, down) in edges.Distinct())
        {
            if (up != down && known.Contains(up) && known.Contains(down))
            {
                upstream[down].Add(up);
                downstream[up].Add(down);
            }
        }

        var linked = nodes.Where(n => upstream[n].Count > 0 || downstream[n].Count > 0).ToList();
        var columns = Columns(linked, upstream, downstream);
        var rows = new Dictionary<int, double>();
        OrderColumns(columns, upstream, downstream, rows);

        var cells = new Dictionary<int, LayoutCell>(nodes.Count);
        for (var column = 0; column < columns.Count; column++)
        {
            foreach (var node in columns[column])
            {
                cells[node] = new LayoutCell(column, rows[node]);
            }
        }

        var unlinked = nodes.Where(n => upstream[n].Count == 0 && downstream[n].Count == 0).ToList();
        PlaceGrid(unlinked, columns, cells);
        return cells;
    }

    /// <summary>Longest-path layering in topological order (Kahn).</summary>
    private static List<List<int>> Columns(List<int> linked, Dictionary<int, List<int>> upstream, Dictionary<int, List<int>> downstream)
    {
        var waiting = linked.ToDictionary(n => n, n => upstream[n].Count);
        var depth = linked.ToDictionary(n => n, _ => 0);
        var ready = new Queue<int>(linked.Where(n => waiting[n] == 0));
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            foreach (var next in downstream[node])
            {
                depth[next] = Math.Max(depth[next], depth[node] + 1);
                if (--waiting[next] == 0)
                {
                    ready.Enqueue(next);
                }
            }
        }

        // Jobs on a cycle (the catalogue refuses them, but a layout must not hang on one) stay in column 0.
        var columns = new List<List<int>>();
        foreach (var node in linked)
        {
            while (columns.Count <= depth[node])
            {
                columns.Add([]);
            }

            columns[depth[node]].Add(node);
        }

        return columns;
    }

    private static void OrderColumns(List<List<int>> columns, Dictionary<int, List<int>> upstream, Dictionary<int, List<int>> downstream, Dictionary<int, double> rows)
    {
        var tallest = columns.Count == 0 ? 0 : columns.Max(c => c.Count);
        foreach (var column in columns)
        {
            Number(column, tallest, rows);
        }

        for (var sweep = 0; sweep < Sweeps; sweep++)
        {
            for (var c = 1; c < columns.Count; c++)
            {
                columns[c] = SortByNeighbours(columns[c], upstream, rows);
                Number(columns[c], tallest, rows);
            }

            for (var c = columns.Count - 2; c >= 0; c--)
            {
                columns[c] = SortByNeighbours(columns[c], downstream, rows);
                Number(columns[c], tallest, rows);
            }
        }
    }

    /// <summary>Each job moves to the mean row of its neighbours; a job without any keeps its row. Stable for ties.</summary>
    private static List<int> SortByNeighbours(List<int> column, Dictionary<int, List<int>> neighbours, Dictionary<int, double> rows) =>
        [.. column.OrderBy(n => neighbours[n].Count == 0 ? rows[n] : neighbours[n].Average(m => rows[m]))];

    /// <summary>Rows of a column, centred against the tallest column.</summary>
    private static void Number(List<int> column, int tallest, Dictionary<int, double> rows)
    {
        var offset = (tallest - column.Count) / 2.0;
        for (var i = 0; i < column.Count; i++)
        {
            rows[column[i]] = offset + i;
        }
    }

    /// <summary>A grid one empty row below the linked jobs, at least as wide as they are and about square.</summary>
    private static void PlaceGrid(List<int> unlinked, List<List<int>> columns, Dictionary<int, LayoutCell> cells)
    {
        if (unlinked.Count == 0)
        {
            return;
        }

        var width = Math.Max(columns.Count, (int)Math.Ceiling(Math.Sqrt(unlinked.Count)));
        var top = columns.Count == 0 ? 0 : columns.Max(c => c.Count) + 1;
        for (var i = 0; i < unlinked.Count; i++)
        {
            cells[unlinked[i]] = new LayoutCell(i % width, top + (i / width));
        }
    }
}
