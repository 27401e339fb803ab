using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>
/// The model with its latest validation result. A field's message is shown once the user has touched the
/// field, or for every field when the job was loaded (its problems are real) or the user asked to see them all;
/// a fresh form does not greet the user with "Name is required". A field edited since the last check hides its
/// old message until the next check has judged the new value.
/// </summary>
public sealed class JobEditorForm(JobEditorModel model, bool showAllErrors)
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _editedSinceCheck = new(StringComparer.Ordinal);
    private readonly List<Func<Task>> _flushes = [];

    public JobEditorModel Model { get; } = model;

    public ValidationErrors Errors { get; private set; } = new();

    public bool ShowsAll { get; private set; } = showAllErrors;

    /// <summary>Fields with at least one message, shown or not.</summary>
    public IReadOnlyCollection<string> FieldsWithErrors => Errors.ToDictionary().Keys.ToList();

    public void SetErrors(ValidationErrors errors)
    {
        Errors = errors;
        _editedSinceCheck.Clear();
    }

    public void Touch(params string[] fields) => _touched.UnionWith(fields);

    public void Edited(params string[] fields)
    {
        _touched.UnionWith(fields);
        _editedSinceCheck.UnionWith(fields);
    }

    public void ShowAll() => ShowsAll = true;

    public bool Shows(string field) =>
        (ShowsAll || _touched.Contains(field)) && !_editedSinceCheck.Contains(field) && Errors.For(field).Count > 0;

    public string? ErrorText(string field) => Shows(field) ? string.Join(" ", Errors.For(field)) : null;

    public int ShownErrorCount(EditorTab tab) => FieldsWithErrors.Count(f => EditorTabs.Of(f) == tab && Shows(f));

    /// <summary>Whether any message is on screen: until one is, the person has not been told of a problem yet.</summary>
    public bool ShowsAnyError => FieldsWithErrors.Any(Shows);

    /// <summary>Whether every problem is on screen, so that nothing is left for Save to reveal.</summary>
    public bool ShowsEveryError => FieldsWithErrors.All(Shows);

    /// <summary>An input that tells its changes late (the script editor) registers how to read it now; Save calls it first.</summary>
    public IDisposable RegisterFlush(Func<Task> flush)
    {
        _flushes.Add(flush);
        return new Registration(() => _flushes.Remove(flush));
    }

    public async Task FlushAsync()
    {
        foreach (var flush in _flushes.ToList())
        {
            await flush();
        }
    }

    public EditorTab? FirstTabWithErrors() =>
        FieldsWithErrors.Select(EditorTabs.Of).Order().Cast<EditorTab?>().FirstOrDefault();

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
