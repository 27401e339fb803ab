using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Jobs;

public sealed class LayeredLayoutTests
{
    [Fact]
    public void A_job_sits_one_column_right_of_its_deepest_upstream()
    {
        // 1 -> 2 -> 3 and a shortcut 1 -> 3: 3 waits for the longer chain.
        var cells = LayeredLayout.Arrange([1, 2, 3], [(1, 2), (2, 3), (1, 3)]);

        Assert.Equal([0, 1, 2], [cells[1].Column, cells[2].Column, cells[3].Column]);
    }

    [Fact]
    public void Columns_are_ordered_so_that_parallel_chains_do_not_cross()
    {
        // Given in an order that crosses: a1 -> b2 and a2 -> b1 with b1 listed before b2.
        var cells = LayeredLayout.Arrange([1, 2, 3, 4], [(1, 4), (2, 3)]);

        Assert.Equal(0, Crossings(cells, [(1, 4), (2, 3)]));
    }

    [Fact]
    public void Jobs_without_dependencies_fill_a_grid_below_the_linked_ones()
    {
        var cells = LayeredLayout.Arrange([1, 2, 3, 4, 5, 6], [(1, 2), (2, 3)]);

        var linkedBottom = new[] { 1, 2, 3 }.Max(n => cells[n].Row);
        Assert.All(new[] { 4, 5, 6 }, n => Assert.True(cells[n].Row > linkedBottom + 1, $"job {n} at {cells[n]}"));
        Assert.Equal([0, 1, 2], new[] { 4, 5, 6 }.Select(n => cells[n].Column));
    }

    [Fact]
    public void A_large_acyclic_catalogue_gets_one_free_cell_per_job_and_every_edge_points_right()
    {
        var random = new Random(5);
        var nodes = Enumerable.Range(0, 300).ToList();
        var edges = Enumerable.Range(0, 400).Select(_ =>
        {
            var down = random.Next(1, 300);
            return (Upstream: random.Next(Math.Max(0, down - 30), down), Downstream: down);
        }).ToList();

        var cells = LayeredLayout.Arrange(nodes, edges);

        Assert.Equal(300, cells.Count);
        Assert.Equal(300, cells.Values.Distinct().Count());
        Assert.All(edges, e => Assert.True(cells[e.Upstream].Column < cells[e.Downstream].Column));
    }

    [Fact]
    public void Barycenter_sweeps_remove_most_crossings_of_a_scrambled_pipeline()
    {
        // Three parallel chains of four jobs, listed so that the input order crosses every edge pair.
        var chains = Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 4).Select(step => (step * 10) + (step % 2 == 0 ? c : 2 - c)).ToList()).ToList();
        var edges = chains.SelectMany(chain => chain.Zip(chain.Skip(1))).ToList();
        var nodes = chains.SelectMany(c => c).Order().ToList();

        var cells = LayeredLayout.Arrange(nodes, edges);

        Assert.Equal(0, Crossings(cells, edges));
    }

    [Fact]
    public void A_cycle_never_hangs_the_layout_and_every_job_is_placed()
    {
        var cells = LayeredLayout.Arrange([1, 2, 3], [(1, 2), (2, 3), (3, 1)]);

        Assert.Equal(3, cells.Values.Distinct().Count());
    }

    private static int Crossings(IReadOnlyDictionary<int, LayoutCell> cells, IReadOnlyList<(int Upstream, int Downstream)> edges)
    {
        var crossings = 0;
        for (var i = 0; i < edges.Count; i++)
        {
            for (var j = i + 1; j < edges.Count; j++)
            {
                var (a, b) = (edges[i], edges[j]);
                if (cells[a.Upstream].Column == cells[b.Upstream].Column && cells[a.Downstream].Column == cells[b.Downstream].Column
                    && Math.Sign(cells[a.Upstream].Row - cells[b.Upstream].Row) * Math.Sign(cells[a.Downstream].Row - cells[b.Downstream].Row) < 0)
                {
                    crossings++;
                }
            }
        }

        return crossings;
    }
}
