using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.History;

public sealed class LogDivergenceTests
{
    private static Task<LogDivergence?> Find(string[] mine, string[] other) => LogDivergence.FindAsync(mine.ToAsyncEnumerable(), other.ToAsyncEnumerable());

    [Fact]
    public async Task The_same_logs_do_not_diverge() => Assert.Null(await Find(["a", "b"], ["a", "b"]));

    [Fact]
    public async Task The_first_different_line_comes_with_up_to_three_common_lines_before_and_the_next_lines_of_each()
    {
        var found = await Find(["1", "2", "3", "4", "new", "6", "7", "8"], ["1", "2", "3", "4", "old", "6"]);
        Assert.NotNull(found);
        Assert.Equal(5, found.Line);
        Assert.Equal(("new", "old"), (found.This, found.Other));
        Assert.Equal(["2", "3", "4"], found.Before);
        Assert.Equal(["6", "7"], found.ThisAfter);
        Assert.Equal(["6"], found.OtherAfter);
    }

    [Fact]
    public async Task A_log_that_ends_early_diverges_where_it_ends()
    {
        var found = await Find(["a"], ["a", "b", "c"]);
        Assert.Equal((2L, (string?)null, "b"), (found!.Line, found.This, found.Other));
        Assert.Equal(["c"], found.OtherAfter);
        Assert.Empty(found.ThisAfter);
    }
}
