using Microsoft.AspNetCore.Components;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>What every tab of the editor needs: the form, and how to tell the dialog that a field changed or was left.</summary>
public abstract class EditorTabBase : ComponentBase
{
    [Parameter, EditorRequired]
    public JobEditorForm Form { get; set; } = null!;

    /// <summary>A value changed: the dialog validates the job again.</summary>
    [Parameter]
    public EventCallback OnChange { get; set; }

    /// <summary>A field was left: its message may show now, and the dialog's tab badges follow.</summary>
    [Parameter]
    public EventCallback OnTouch { get; set; }

    protected JobEditorModel Model => Form.Model;

    protected Task Changed(params string[] fields)
    {
        Form.Edited(fields);
        return OnChange.InvokeAsync();
    }

    protected Task Touched(string field)
    {
        Form.Touch(field);
        return OnTouch.InvokeAsync();
    }

    protected bool Error(string field) => Form.Shows(field);

    protected string? ErrorText(string field) => Form.ErrorText(field);
}
