using System.Globalization;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Parameters;
using EtlWeb.Core.Runs;
using EtlWeb.Orchestration;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Run now with parameters: a form generated from the job's declarations (a date picker, a choice list, a number field,
/// a switch), each value checked at its field by the same rules as the API before anything starts. Filled with the
/// defaults at the current time, or with the values of an earlier run for "with other parameters".
/// </summary>
public sealed partial class RunDialog
{
    private readonly List<Field> _fields = [];
    private List<JobParameter> _declared = [];
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private string? _intro;
    private string _logicalText = "";
    private string? _logicalError;
    private string? _refusal;
    private bool _showAll;
    private bool _starting;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = null!;

    [Inject]
    private RunService Runs { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Parameter, EditorRequired]
    public JobDocument Job { get; set; } = null!;

    [Parameter]
    public bool WithDownstream { get; set; } = true;

    /// <summary>The values of an earlier run to start from; the defaults when null.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, JsonElement>? Values { get; set; }

    [Parameter]
    public DateTimeOffset? LogicalDate { get; set; }

    public static Task ShowAsync(IDialogService dialogs, JobDocument job, bool withDownstream, IReadOnlyDictionary<string, JsonElement>? values = null, DateTimeOffset? logicalDate = null)
    {
        var parameters = new DialogParameters<RunDialog>
        {
            { d => d.Job, job },
            { d => d.WithDownstream, withDownstream },
            { d => d.Values, values },
            { d => d.LogicalDate, logicalDate },
        };
        return dialogs.ShowAsync<RunDialog>($"Run '{job.Name}'", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
    }

    private static string Hint(JobParameter parameter) => parameter.Type switch
    {
        ParameterType.Date => "A date, YYYY-MM-DD",
        ParameterType.DateTime => "A date and time, with an offset or in the job's time zone",
        ParameterType.Integer => "A whole number",
        ParameterType.Number => "A number",
        ParameterType.Choice => "One of the list",
        ParameterType.Boolean => "On or off",
        _ => parameter.Secret ? "Secret: masked in the run and its log" : "Text",
    };

    private int ErrorCount => _fields.Count(f => f.Error is not null) + (_logicalError is null ? 0 : 1);

    private string LogicalHelp => $"The instant the run is for, in {_zone.Id}; the run gets it as ETL_LOGICAL_DATE. Empty = now.";

    protected override void OnInitialized()
    {
        var errors = new ValidationErrors();
        var declared = _declared = (Job.Parameters ?? []).Select((p, i) => p.ToParameter(i, errors)).ToList();
        _zone = RunInputs.ZoneOf(new Job { TimeZone = Job.TimeZone ?? "" });
        var now = Time.GetUtcNow();
        if (LogicalDate is { } logical)
        {
            _logicalText = ParameterRules.LogicalDateText(logical, _zone);
        }

        var defaults = ParameterRules.Resolve(declared, null, LogicalDate ?? now, _zone).Values.ToDictionary(v => v.Name, v => v.Value);
        foreach (var parameter in declared)
        {
            string? value = null;
            if (Values is not null && Values.TryGetValue(parameter.Name, out var given) && !parameter.Secret)
            {
                value = given.ValueKind == JsonValueKind.String ? given.GetString() : given.GetRawText();
            }
            else if (Values is null)
            {
                value = defaults.GetValueOrDefault(parameter.Name);
            }

            _fields.Add(Field.Of(parameter, value));
        }

        _intro = Values is null
            ? "Filled with the defaults; change what this run should take."
            : "Filled with the values of the earlier run" + (declared.Any(p => p.Secret) ? "; secret values are not shown again: give them anew." : ".");
        Validate();
    }

    private bool Shows(Field field) => field.Error is not null && (field.Touched || _showAll);

    private void Touch(Field field) => field.Touched = true;

    private void TextEdited(Field field, string? text)
    {
        field.Text = text;
        Edited(field);
    }

    private void Edited(Field field)
    {
        field.Touched = true;
        field.ServerError = null;
        _refusal = null;
        Validate();
    }

    private void CheckLogicalDate()
    {
        _logicalError = null;
        DateTimeOffset? logical = null;
        if (!string.IsNullOrWhiteSpace(_logicalText))
        {
            var (value, error) = ParameterRules.Read(new JobParameter { Name = "logical date", Type = ParameterType.DateTime }, _logicalText, _zone);
            _logicalError = error;
            logical = value is null ? null : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);
        }

        _showAll = _showAll || _logicalError is not null;
        if (_logicalError is null && Values is null)
        {
            // The defaults follow the logical date ("the day before" it) until the person changed the field.
            var defaults = ParameterRules.Resolve(_declared, null, logical ?? Time.GetUtcNow(), _zone).Values.ToDictionary(v => v.Name, v => v.Value);
            for (var i = 0; i < _fields.Count; i++)
            {
                if (!_fields[i].Touched && !_fields[i].Parameter.Secret)
                {
                    _fields[i] = Field.Of(_fields[i].Parameter, defaults.GetValueOrDefault(_fields[i].Parameter.Name));
                }
            }

            Validate();
        }
    }

    private void Validate()
    {
        foreach (var field in _fields)
        {
            field.Error = field.ServerError ?? field.Check(_zone);
        }
    }

    private async Task StartAsync()
    {
        _showAll = true;
        Validate();
        CheckLogicalDate();
        if (ErrorCount > 0)
        {
            return;
        }

        _starting = true;
        try
        {
            await TriggerAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _refusal = "The run could not be started: " + ex.Message;
        }
        finally
        {
            _starting = false;
        }
    }

    private async Task TriggerAsync()
    {
        var given = _fields.Where(f => f.Given() is not null).ToDictionary(f => f.Parameter.Name, f => JsonSerializer.SerializeToElement(f.Given()));
        DateTimeOffset? logical = string.IsNullOrWhiteSpace(_logicalText)
            ? null
            : DateTimeOffset.Parse(ParameterRules.Read(new JobParameter { Type = ParameterType.DateTime }, _logicalText, _zone).Value!, CultureInfo.InvariantCulture);
        var outcome = await Runs.TriggerAsync(Job.Id!.Value, TriggerKind.Manual, WithDownstream, given, logical);
        if (outcome.Invalid is { } invalid)
        {
            foreach (var field in _fields)
            {
                field.ServerError = invalid.TryGetValue($"{ParameterRules.Field}.{field.Parameter.Name}", out var messages) ? string.Join(" ", messages) : null;
            }

            _refusal = string.Join(" ", invalid.Where(e => !_fields.Any(f => e.Key == $"{ParameterRules.Field}.{f.Parameter.Name}")).SelectMany(e => e.Value));
            _refusal = _refusal.Length == 0 ? null : _refusal;
            Validate();
            return;
        }

        if (outcome.Run is not { } run)
        {
            _refusal = outcome.Refusal;
            return;
        }

        Dialog.Close(DialogResult.Ok(run.Id));
        Navigation.NavigateTo($"/runs/{run.Id}");
    }

    /// <summary>One parameter's input: its value in the shape its input binds to, and what is wrong with it.</summary>
    private sealed class Field
    {
        public required JobParameter Parameter { get; init; }

        public string? Text { get; set; }

        public decimal? Number { get; set; }

        /// <summary>The text as a date for the picker; null while it is not one.</summary>
        public DateTime? AsDate =>
            DateTime.TryParseExact(Text, ParameterRules.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

        public bool Flag { get; set; }

        public bool Touched { get; set; }

        public string? Error { get; set; }

        public string? ServerError { get; set; }

        public static Field Of(JobParameter parameter, string? value) => new()
        {
            Parameter = parameter,
            Text = value,
            Number = parameter.Type is ParameterType.Integer or ParameterType.Number && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null,
            Flag = value == "true",
        };

        /// <summary>The value as text for the trigger; null when the field is empty (the default applies, if any).</summary>
        public string? Given() => Parameter.Type switch
        {
            ParameterType.Integer or ParameterType.Number => Number?.ToString(CultureInfo.InvariantCulture),
            ParameterType.Boolean => Flag ? "true" : "false",
            _ => string.IsNullOrEmpty(Text) ? null : Text,
        };

        public string? Check(TimeZoneInfo zone) => Given() switch
        {
            null when Parameter.Required => $"{Parameter.Name} is required.",
            null => null,
            var value => ParameterRules.Read(Parameter, value, zone).Error,
        };
    }
}
