using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Runs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Flow;

/// <summary>How a list output becomes items, and how a for-each run ends.</summary>
public sealed class ForEachItemsTests
{
    [Theory]
    [InlineData("\"a.csv\\nb.csv\\n\\n c.csv \\r\\n\"", "a.csv|b.csv| c.csv ")]
    [InlineData("\"[\\\"x\\\", 2]\"", "x|2")]
    [InlineData("[\"x\", {\"id\": 1}]", "x|{\"id\": 1}")]
    [InlineData("\"\"", "")]
    public void A_list_is_a_json_array_or_one_item_per_line(string json, string expected)
    {
        var list = ForEachItems.Read(JsonDocument.Parse(json).RootElement, "output 'files' of List", 10);

        Assert.Null(list.Error);
        Assert.Equal(expected, string.Join('|', list.Items));
    }

    [Fact]
    public void A_list_over_the_maximum_or_not_a_list_is_refused_whole()
    {
        var tooLong = ForEachItems.Read(JsonSerializer.SerializeToElement(string.Join('\n', Enumerable.Range(1, 11))), "output 'files' of List", 10);
        var number = ForEachItems.Read(JsonSerializer.SerializeToElement(5), "output 'files' of List", 10);

        Assert.Equal("The list in output 'files' of List has 11 items, over the maximum of 10 (EtlWeb:MaxForEachItems); nothing was started.", tooLong.Error);
        Assert.Empty(tooLong.Items);
        Assert.Equal("output 'files' of List is number, not a list: give a JSON array or one item per line.", number.Error);
    }

    [Fact]
    public void A_for_each_run_succeeds_only_when_every_item_did()
    {
        Assert.Equal((RunStatus.Succeeded, "All 3 items succeeded."), ForEachItems.Outcome(new Dictionary<RunStatus, int> { [RunStatus.Succeeded] = 3 }));
        Assert.Equal(
            (RunStatus.Failed, "2 of 5 items did not succeed: 1 Failed, 1 TimedOut."),
            ForEachItems.Outcome(new Dictionary<RunStatus, int> { [RunStatus.Succeeded] = 3, [RunStatus.Failed] = 1, [RunStatus.TimedOut] = 1 }));
    }
}

/// <summary>For-each runs in a real host.</summary>
public sealed class ForEachTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxConcurrentJobs"] = "8", ["EtlWeb:MaxForEachItems"] = "100" } })
{
    [Fact]
    public async Task Fifty_items_run_at_most_five_at_once_a_failed_one_is_retried_alone_and_the_downstream_starts_once_after_all()
    {
        var work = Directory.CreateTempSubdirectory("etlweb-foreach-");
        try
        {
            Directory.CreateDirectory(Path.Combine(work.FullName, "running"));
            var list = await Client.CreateJobAsync(JobsClient.ShellJob("list files")
                .With("command", "seq -f '\"file-%02g.csv\"' 0 49 | paste -sd, | sed 's/.*/{\"files\": [&]}/' > \"$ETL_OUTPUT\""));
            var each = await Client.CreateJobAsync(JobsClient.ShellJob("load file")
                .With("command", $"""
                    cd {work.FullName}
                    flock lock sh -c 'touch running/$ETL_ITEM_INDEX; ls running | wc -l >> counts'
                    sleep 0.2
                    flock lock rm running/$ETL_ITEM_INDEX
                    echo "$ETL_ITEM_INDEX $ETL_ITEM" >> items
                    if [ "$ETL_ITEM" = file-07.csv ] && [ ! -e failed-once ]; then touch failed-once; exit 1; fi
                    """)
                .With("max_retries", 1)
                .With("for_each", new JsonObject { ["job"] = "list files", ["output"] = "files", ["max_parallel"] = 5 }));
            var report = await Client.CreateJobAsync(JobsClient.ShellJob("report", "load file"));

            await Client.WaitForEndAsync(await Client.TriggerAsync(list));
            var parent = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(each, 1, r => r.ParentRunId is null))[0].Id, TimeSpan.FromMinutes(2));
            var reports = await Client.WaitForRunsAsync(report, 1);
            var reported = await Client.WaitForEndAsync(reports[0].Id);

            Assert.Equal(("Succeeded", "All 50 items succeeded."), (parent.Status, parent.Reason));
            Assert.Equal(50, parent.Items!.Count);
            Assert.Equal(Enumerable.Range(0, 50), parent.Items.Select(i => i.Index));
            Assert.Equal("file-07.csv", parent.Items[7].Item);
            var counts = (await File.ReadAllLinesAsync(Path.Combine(work.FullName, "counts"))).Select(int.Parse).ToList();
            Assert.InRange(counts.Max(), 2, 5);
            var attempts = new Dictionary<int, int>();
            foreach (var item in parent.Items)
            {
                attempts[item.Index] = (await Client.GetRunAsync(item.RunId)).Attempts.Count;
            }

            Assert.Equal([7], attempts.Where(a => a.Value == 2).Select(a => a.Key));
            Assert.Equal(49, attempts.Count(a => a.Value == 1));
            Assert.Equal(51, (await File.ReadAllLinesAsync(Path.Combine(work.FullName, "items"))).Length);

            Assert.Single(await Client.RunsOfAsync(report));
            Assert.Equal("Succeeded", reported.Status);
            var lastItemEnd = (await Task.WhenAll(parent.Items.Select(i => Client.GetRunAsync(i.RunId)))).Max(r => r.FinishedAt!.Value);
            Assert.True(reported.StartedAt >= lastItemEnd, $"report started {reported.StartedAt:O}, the last item ended {lastItemEnd:O}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_list_over_the_maximum_is_refused_and_nothing_of_it_starts()
    {
        var list = await Client.CreateJobAsync(JobsClient.ShellJob("big list").With("command", "seq 1 150 | paste -sd, | sed 's/.*/{\"ids\": [&]}/' > \"$ETL_OUTPUT\""));
        var each = await Client.CreateJobAsync(JobsClient.ShellJob("per id").With("for_each", new JsonObject { ["job"] = "big list", ["output"] = "ids" }));

        await Client.WaitForEndAsync(await Client.TriggerAsync(list));
        var parent = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(each, 1))[0].Id);

        Assert.Equal("Failed", parent.Status);
        Assert.Equal("The list in output 'ids' of big list has 150 items, over the maximum of 100 (EtlWeb:MaxForEachItems); nothing was started.", parent.Reason);
        Assert.Single(await Client.RunsOfAsync(each));
        Assert.Null(parent.Items);
    }

    [Fact]
    public async Task Cancelling_a_for_each_run_stops_its_running_items_and_cancels_the_waiting_ones()
    {
        var release = Path.Combine(Path.GetTempPath(), $"etlweb-foreach-hold-{Guid.NewGuid():N}");
        var list = await Client.CreateJobAsync(JobsClient.ShellJob("four").With("command", "echo '{\"n\": [1, 2, 3, 4]}' > \"$ETL_OUTPUT\""));
        var each = await Client.CreateJobAsync(JobsClient.ShellJob("hold")
            .With("command", $"while [ ! -e {release} ]; do sleep 0.1; done")
            .With("for_each", new JsonObject { ["job"] = "four", ["output"] = "n", ["max_parallel"] = 2 }));
        var after = await Client.CreateJobAsync(JobsClient.ShellJob("after hold", "hold"));
        try
        {
            await Client.WaitForEndAsync(await Client.TriggerAsync(list));
            var parent = (await Client.WaitForRunsAsync(each, 1, r => r.ParentRunId is null))[0];
            parent = await Client.WaitForRunAsync(parent.Id, r => r.Items?.Count(i => i.Status == "Running") == 2);

            var (status, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{parent.Id}/cancel", "");

            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            parent = await Client.WaitForRunAsync(parent.Id, r => r.Status == "Cancelled" && r.Items!.All(i => i.Status == "Cancelled"));
            Assert.Equal(4, parent.Items!.Count);
            Assert.Equal("UpstreamFailed", (await Client.WaitForEndAsync((await Client.WaitForRunsAsync(after, 1))[0].Id)).Status);
        }
        finally
        {
            File.Delete(release);
        }
    }
}
