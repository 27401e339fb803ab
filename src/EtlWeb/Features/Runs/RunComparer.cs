using System.Text.Json;
using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Jobs;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>A figure of the two runs compared: <c>old</c> is the other run's (the one compared with), <c>new</c> this run's.</summary>
public sealed record ComparedValue<T>([property: JsonPropertyName("old")] T Old, [property: JsonPropertyName("new")] T New);

/// <summary>Where the two runs' logs first differ (line from 1, counting the job's own lines), with a few lines of context.</summary>
public sealed record LogDivergenceDocument(
    [property: JsonPropertyName("line")] long Line,
    [property: JsonPropertyName("new")] string? New,
    [property: JsonPropertyName("old")] string? Old,
    [property: JsonPropertyName("before")] IReadOnlyList<string> Before,
    [property: JsonPropertyName("new_after")] IReadOnlyList<string> NewAfter,
    [property: JsonPropertyName("old_after")] IReadOnlyList<string> OldAfter);

/// <summary>Two runs of a job side by side: what differed in what they ran with and how they went.</summary>
public sealed record RunComparisonDocument(
    [property: JsonPropertyName("run_id")] long RunId,
    [property: JsonPropertyName("other_id")] long OtherId,
    [property: JsonPropertyName("status")] ComparedValue<string> Status,
    [property: JsonPropertyName("revision")] ComparedValue<int?> Revision,
    [property: JsonPropertyName("definition")] IReadOnlyList<FieldChangeDocument> Definition,
    [property: JsonPropertyName("params")] IReadOnlyList<FieldChangeDocument> Params,
    [property: JsonPropertyName("logical_date")] ComparedValue<DateTimeOffset> LogicalDate,
    [property: JsonPropertyName("environment_added")] IReadOnlyList<string> EnvironmentAdded,
    [property: JsonPropertyName("environment_removed")] IReadOnlyList<string> EnvironmentRemoved,
    [property: JsonPropertyName("interpreter")] ComparedValue<string> Interpreter,
    [property: JsonPropertyName("exit_code")] ComparedValue<int?> ExitCode,
    [property: JsonPropertyName("duration_seconds")] ComparedValue<double?> DurationSeconds,
    [property: JsonPropertyName("attempts")] ComparedValue<int> Attempts,
    [property: JsonPropertyName("log")] LogDivergenceDocument? Log);

/// <summary>Compares two runs of a job, and finds the run a comparison starts from (the last success).</summary>
public sealed class RunComparer(IDbContextFactory<EtlDbContext> dbFactory, JobHistory history, RunReader reader)
{
    /// <summary>
    /// The latest succeeded run of the same job before <paramref name="runId"/> (or after it, when none is before); an item
    /// of a for-each run is compared with an item, any other run with a run that is not one. Null when there is none.
    /// </summary>
    public async Task<long?> LastSuccessAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.Where(r => r.Id == runId).Select(r => new { r.JobId, Item = r.ParentRunId != null }).FirstOrDefaultAsync(cancellationToken);
        var succeeded = db.Runs.Where(r => r.JobId == run!.JobId && r.Id != runId && r.Status == RunStatus.Succeeded && (r.ParentRunId != null) == run.Item);
        return await succeeded.Where(r => r.Id < runId).OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken)
            ?? await succeeded.OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<bool> ExistsAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AnyAsync(r => r.Id == runId, cancellationToken);
    }

    /// <summary>Null when either run does not exist; throws <see cref="ArgumentException"/> when they are runs of different jobs.</summary>
    public async Task<RunComparisonDocument?> CompareAsync(long runId, long otherId, CancellationToken cancellationToken = default)
    {
        Run? mine, other;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var runs = await db.Runs.AsNoTracking().Include(r => r.Attempts).Where(r => r.Id == runId || r.Id == otherId).ToListAsync(cancellationToken);
            (mine, other) = (runs.FirstOrDefault(r => r.Id == runId), runs.FirstOrDefault(r => r.Id == otherId));
        }

        if (mine is null || other is null)
        {
            return null;
        }

        if (mine.JobId != other.JobId)
        {
            throw new ArgumentException($"Run {otherId} is not a run of the same job as run {runId}.");
        }

        var (jobA, jobB) = (JobSnapshot.Read(other.DefinitionSnapshot), JobSnapshot.Read(mine.DefinitionSnapshot));
        // Between their revisions (which also know the links and secret changes), else between the definitions they ran with.
        var definition = other.Revision is { } a && mine.Revision is { } b && await history.CompareAsync(mine.JobId, a, b, cancellationToken) is { } changes
            ? changes
            : [.. JobChanges.Between(jobA, [], jobB, []).Select(FieldChangeDocument.Of)];
        var (lastA, lastB) = (other.Attempts.MaxBy(x => x.Number), mine.Attempts.MaxBy(x => x.Number));
        var log = lastA is null || lastB is null ? null : await LogDivergence.FindAsync(reader.JobLinesAsync(lastB.Id, cancellationToken), reader.JobLinesAsync(lastA.Id, cancellationToken), cancellationToken);
        return new RunComparisonDocument(
            mine.Id,
            other.Id,
            new(other.Status.ToString(), mine.Status.ToString()),
            new(other.Revision, mine.Revision),
            definition,
            ParamChanges(other.Params, mine.Params),
            new(other.LogicalDate, mine.LogicalDate),
            [.. jobB.Environment.Keys.Except(jobA.Environment.Keys).Order(StringComparer.Ordinal)],
            [.. jobA.Environment.Keys.Except(jobB.Environment.Keys).Order(StringComparer.Ordinal)],
            new(Interpreter(jobA), Interpreter(jobB)),
            new(lastA?.ExitCode, lastB?.ExitCode),
            new(Seconds(other), Seconds(mine)),
            new(other.Attempts.Count, mine.Attempts.Count),
            log is null ? null : new LogDivergenceDocument(log.Line, log.This, log.Other, log.Before, log.ThisAfter, log.OtherAfter));
    }

    private static List<FieldChangeDocument> ParamChanges(string before, string after)
    {
        var (a, b) = (Read(before), Read(after));
        return [.. a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Select(name => new FieldChangeDocument(name, a.GetValueOrDefault(name), b.GetValueOrDefault(name)))
            .Where(c => c.Old != c.New)];

        static Dictionary<string, string> Read(string json) =>
            (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? []).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
    }

    private static string Interpreter(Job job) => job.Interpreter.Length > 0 ? job.Interpreter : $"{JobText.Of(job.Kind)} default";

    private static double? Seconds(Run run) => run.StartedAt is { } start && run.FinishedAt is { } end ? Math.Round((end - start).TotalSeconds, 3) : null;
}
