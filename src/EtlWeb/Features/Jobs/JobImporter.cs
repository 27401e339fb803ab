using System.Text.Json;
using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// Export of every job and all-or-nothing import of a JSON array of job documents (the desktop tool's
/// shape and names are accepted) or of the desktop tool's database with its history. Jobs are matched by name; jobs
/// missing from the file are left alone.
/// </summary>
public sealed class JobImporter(
    IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, JobChangeFeed changes, CurrentActor actors, AuditLog audit, IOptions<EtlWebOptions> options,
    SettingsStore settings)
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>
    /// Every job the acting user may see (of <paramref name="folder"/> and below it, when given) as a document without id,
    /// status or secret values, ordered by name. A link to a job outside the folder keeps its name, as an import into the
    /// same EtlWeb finds it; a link to a job the user may not see is left out.
    /// </summary>
    public async Task<IReadOnlyList<JobDocument>> ExportAsync(string folder = "", CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var names = await db.Jobs.AsNoTracking().ToDictionaryAsync(j => j.Id, j => j.Name, cancellationToken);
        var jobs = await InFolder(db, folder).OrderBy(j => j.Name).ToListAsync(cancellationToken);
        var edges = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var upstreams = edges.Where(e => names.ContainsKey(e.UpstreamJobId)).ToLookup(e => e.DownstreamJobId, e => DependencyLink.Of(names[e.UpstreamJobId], e));
        return [.. jobs.Select(j => JobDocumentMapper.ToDocument(j, upstreams[j.Id]) with { Id = null, DesignerX = j.DesignerX, DesignerY = j.DesignerY })];
    }

    /// <summary>Every job the acting user may see (of <paramref name="folder"/> and below) in the desktop tool's export format (<see cref="DesktopExport"/>), ordered by name.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ExportDesktopAsync(string folder = "", CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await InFolder(db, folder).OrderBy(j => j.Name).ToListAsync(cancellationToken);
        return [.. jobs.Select(DesktopExport.Of)];
    }

    private static IQueryable<Job> InFolder(EtlDbContext db, string folder) =>
        folder.Length == 0 ? db.Jobs.AsNoTracking() : db.Jobs.AsNoTracking().Where(j => j.Folder == folder || j.Folder.StartsWith(folder + "/"));

    public async Task<ImportReport> ImportAsync(string json, bool dryRun, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "import jobs");
        if (!TryParse(json, out var documents, out var parseError))
        {
            return new ImportReport(dryRun, false, [parseError], []);
        }

        return await ImportAsync(documents, dryRun, desktop: null, createOnly: false, cancellationToken);
    }

    /// <summary>
    /// Creates every document as a new job with its links, all or nothing, through the checks, revisions and change events of
    /// an import; a name already taken is an error of that job. The caller audits what the jobs were made from.
    /// </summary>
    public async Task<ImportReport> CreateAllAsync(IReadOnlyList<JobDocument> documents, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, "create jobs");
        foreach (var folder in documents.Select(d => FolderPath.Normalize(d.Folder)).Distinct(StringComparer.Ordinal))
        {
            actors.Demand(EtlRoles.Admin, "create jobs", folder);
        }

        // Names are unique across every folder: the check reads them all, as the database's unique index would.
        using (FolderVisibility.Restrict(null))
        {
            return await ImportAsync([.. documents], dryRun: false, desktop: null, createOnly: true, cancellationToken);
        }
    }

    /// <summary>
    /// Imports the desktop tool's <c>etl_scheduler.db</c>: its jobs as <see cref="ImportAsync(string, bool, CancellationToken)"/>
    /// imports a file's, and its executions as ended runs. Times without an offset are read in <paramref name="zone"/>.
    /// </summary>
    public async Task<ImportReport> ImportDesktopDatabaseAsync(byte[] content, bool dryRun, TimeZoneInfo zone, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "import jobs");
        if (!DesktopDatabase.LooksLikeSqlite(content))
        {
            return new ImportReport(dryRun, false, [NotADatabase], []);
        }

        var directory = Path.Combine(options.Value.FullDataDirectory, "import");
        PrivateDirectory.Ensure(directory);
        var path = Path.Combine(directory, $"desktop-{Guid.NewGuid():N}.db");
        DesktopFile file;
        try
        {
            await File.WriteAllBytesAsync(path, content, cancellationToken);
            file = DesktopDatabase.Read(path, zone);
        }
        finally
        {
            File.Delete(path);
        }

        if (file.Errors.Count > 0)
        {
            return new ImportReport(dryRun, false, file.Errors, []);
        }

        return await ImportAsync([.. file.Jobs], dryRun, (file, zone), createOnly: false, cancellationToken);
    }

    private const string NotADatabase = "The file is not an SQLite database. Choose the desktop tool's etl_scheduler.db, or import a JSON export as a JSON file.";

    private async Task<ImportReport> ImportAsync(
        List<JobDocument> documents, bool dryRun, (DesktopFile File, TimeZoneInfo Zone)? desktop, bool createOnly, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CatalogLock.TakeAsync(db, cancellationToken);
        var existing = await db.Jobs.AsNoTracking().ToListAsync(cancellationToken);
        var edges = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var plan = Plan(documents, existing, edges, await KnownResources.ReadAsync(db, cancellationToken), createOnly);
        var report = new ImportReport(dryRun, false, [], [.. plan.Select(p => p.Report)]);
        var history = new List<DesktopExecution>();
        if (desktop is var (file, zone))
        {
            (history, var planned) = await DesktopHistory.PlanAsync(db, file, zone, settings.Current.Retention.Days, time.GetUtcNow(), cancellationToken);
            report = report with { History = planned, IgnoredColumns = file.IgnoredColumns };
        }

        if (report.HasErrors || dryRun)
        {
            return report;
        }

        var now = time.GetUtcNow();
        var ids = existing.ToDictionary(j => j.Name, j => j.Id, StringComparer.Ordinal);
        var writes = plan.Where(p => p.Report.Action != ImportText.Of(ImportAction.Unchanged)).Select(p => new JobWrite(p.ExistingId, p.Draft)).ToList();
        var written = await JobWriter.WriteAsync(db, writes, ids, actors.Value?.Name ?? RevisionWriter.EtlWeb, now, cancellationToken);
        await DesktopHistory.WriteAsync(db, history, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var touched = written.Select(j => j.Name).Concat(history.Select(h => h.JobName)).ToHashSet(StringComparer.Ordinal);
        changes.PublishAll(await db.Jobs.Where(j => touched.Contains(j.Name)).Select(j => j.Id).ToListAsync(cancellationToken));

        if (createOnly)
        {
            return report with { Applied = true };
        }

        var counts = report.Jobs.GroupBy(j => j.Action).Select(g => $"{g.Count()} {g.Key}")
            .Concat(report.History is { Runs: > 0 } imported ? [$"{imported.Runs} run(s) of history"] : []);
        await audit.RecordAsync(AuditActions.Imported, $"{report.Jobs.Count} job(s)", string.Join(", ", counts), cancellationToken);
        return report with { Applied = true };
    }

    private sealed record PlannedJob(JobDraft Draft, int? ExistingId, ImportedJob Report);

    private static List<PlannedJob> Plan(List<JobDocument> documents, List<Job> existing, List<JobDependency> edges, KnownResources resources, bool createOnly)
    {
        var byName = existing.ToDictionary(j => j.Name, StringComparer.Ordinal);
        var existingNames = existing.ToDictionary(j => j.Id, j => j.Name);
        var existingUpstreams = edges.ToLookup(e => e.DownstreamJobId, e => DependencyLink.Of(existingNames[e.UpstreamJobId], e));
        var drafts = documents.Select(d =>
        {
            var errors = new ValidationErrors();
            return (Draft: JobDocumentMapper.ToDraft(d, errors), Errors: errors);
        }).ToList();

        var fileNames = drafts.Select(d => d.Draft.Job.Name).ToHashSet(StringComparer.Ordinal);
        var known = existing.Select(j => j.Name).Concat(fileNames).ToHashSet(StringComparer.Ordinal);
        var graph = new DependencyGraph(edges.Select(e => (existingNames[e.UpstreamJobId], existingNames[e.DownstreamJobId])));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var plan = new List<PlannedJob>();
        for (var index = 0; index < drafts.Count; index++)
        {
            var (draft, errors) = drafts[index];
            var name = draft.Job.Name;
            if (name.Length > 0 && !seen.Add(name))
            {
                errors.Add(JobFields.Name, $"'{name}' appears more than once in the file.");
            }

            DependencyRules.Check(name, draft.Dependencies, known, graph, errors);
            resources.Check(draft.Job, errors);
            byName.TryGetValue(name, out var current);
            if (createOnly && current is not null)
            {
                errors.Add(JobFields.Name, $"A job named '{name}' already exists.");
            }

            // A file that does not say where a job lives (the desktop tool's, an older export) leaves it in its folder.
            if (documents[index].Folder is null && current is not null)
            {
                draft.Job.Folder = current.Folder;
            }

            var action = errors.IsEmpty ? Classify(draft, current, current is null ? [] : existingUpstreams[current.Id]) : ImportAction.Invalid;
            var report = new ImportedJob(index, name, ImportText.Of(action), errors.IsEmpty ? null : errors.ToDictionary(), JobDocumentMapper.IgnoredFields(documents[index]));
            plan.Add(new PlannedJob(draft, current?.Id, report));
        }

        return plan;
    }

    private static ImportAction Classify(JobDraft draft, Job? current, IEnumerable<DependencyLink> currentUpstreams)
    {
        if (current is null)
        {
            return ImportAction.Created;
        }

        foreach (var name in draft.SecretsWithoutValue)
        {
            if (current.Environment.TryGetValue(name, out var value))
            {
                draft.Job.Environment[name] = value;
            }
        }

        var incoming = JobDocumentMapper.ToDocument(draft.Job, draft.Links) with { Id = null, DesignerX = null, DesignerY = null };
        var stored = JobDocumentMapper.ToDocument(current, currentUpstreams) with { Id = null, DesignerX = null, DesignerY = null };
        var same = JsonSerializer.Serialize(incoming, JsonOptions) == JsonSerializer.Serialize(stored, JsonOptions)
            && draft.Job.Environment.Count == current.Environment.Count
            && !draft.Job.Environment.Except(current.Environment).Any();
        return same ? ImportAction.Unchanged : ImportAction.Updated;
    }

    private static bool TryParse(string json, out List<JobDocument> documents, out string error)
    {
        documents = [];
        error = "";
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "The file is empty; expected a JSON array of jobs.";
            return false;
        }

        try
        {
            using var parsed = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (parsed.RootElement.ValueKind != JsonValueKind.Array)
            {
                error = $"Expected a JSON array of jobs, found {parsed.RootElement.ValueKind.ToString().ToLowerInvariant()}.";
                return false;
            }

            var index = 0;
            foreach (var element in parsed.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    error = $"Job {index}: expected a JSON object, found {element.ValueKind.ToString().ToLowerInvariant()}.";
                    return false;
                }

                try
                {
                    documents.Add(element.Deserialize<JobDocument>(JsonOptions)!);
                }
                catch (JsonException ex)
                {
                    error = $"Job {index} ({NameOf(element)}): field {FieldOf(ex.Path)} has the wrong type: {ex.Message}";
                    return false;
                }

                index++;
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = $"The file is not valid JSON: line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {ex.Message}";
            return false;
        }
    }

    private static string NameOf(JsonElement element) =>
        element.TryGetProperty(JobFields.Name, out var name) && name.ValueKind == JsonValueKind.String ? $"'{name.GetString()}'" : "without a name";

    private static string FieldOf(string? path) => string.IsNullOrEmpty(path) ? "?" : path.TrimStart('$', '.');
}
