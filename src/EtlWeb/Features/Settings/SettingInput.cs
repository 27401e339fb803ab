using System.Globalization;
using EtlWeb.Settings;

namespace EtlWeb.Features.Settings;

/// <summary>
/// One field of the Settings page: the value as typed, in the field's unit (MB for bytes), with its configured
/// default and the value in force, and the message to show in place when the value is not allowed.
/// </summary>
public sealed class SettingInput
{
    private readonly string _unit;
    private readonly Func<decimal, string>? _describe;

    /// <param name="scale">Stored units per shown unit (1,048,576 to show bytes as MB).</param>
    /// <param name="decimals">Decimals the field takes (0 for counts).</param>
    /// <param name="unit">The field's unit after a number ("s", "MB"), empty for a plain count.</param>
    /// <param name="describe">Writes a value with its unit when a number and <paramref name="unit"/> do not say it ("1 h 30 min").</param>
    public SettingInput(SettingDefinition setting, SettingsStore store, long scale, int decimals, string unit, Func<decimal, string>? describe = null)
    {
        Setting = setting;
        Scale = scale;
        Decimals = decimals;
        _unit = unit;
        _describe = describe;
        Default = ToShown(setting.Read(store.Defaults));
        Min = Math.Ceiling((decimal)setting.Min / scale * Pow10) / Pow10;
        Max = Math.Floor((decimal)setting.Max / scale * Pow10) / Pow10;
        Load(store);
    }

    public SettingDefinition Setting { get; }

    public long Scale { get; }

    public int Decimals { get; }

    /// <summary>The configured default, in the field's unit.</summary>
    public decimal Default { get; }

    /// <summary>The value in force when the page loaded or last saved, in the field's unit.</summary>
    public decimal InForce { get; private set; }

    /// <summary>True when the value in force was saved on this page rather than configured.</summary>
    public bool IsSaved { get; private set; }

    public decimal Min { get; }

    public decimal Max { get; }

    public decimal? Value { get; set; }

    public string DefaultText => _describe?.Invoke(Default) ?? (_unit.Length == 0 ? Number(Default) : $"{Number(Default)} {_unit}");

    public bool IsChanged => Value != InForce;

    public bool IsDefault => Value == Default;

    private decimal Pow10 => (decimal)Math.Pow(10, Decimals);

    /// <summary>Why the value cannot be saved, or null.</summary>
    public string? Error => ErrorFor(Value);

    /// <summary>Why <paramref name="value"/> could not be saved, or null.</summary>
    public string? ErrorFor(decimal? value) => value switch
    {
        null => "Enter a value.",
        { } v when decimal.Round(v, Decimals) != v => Decimals == 0 ? "Enter a whole number." : $"Use at most {Decimals} decimals.",
        { } v when v < Min || v > Max => Max * Scale >= int.MaxValue
            ? $"Must be {Bound(Min)} or more."
            : $"Must be between {Bound(Min)} and {Bound(Max)}.",
        _ => null,
    };

    /// <summary>What a save sends: null (back to the configured default) when the value is the default, else the stored value.</summary>
    public long? ToSave() => IsDefault ? null : (long)Math.Round(Value!.Value * Scale);

    public void ResetToDefault() => Value = Default;

    /// <summary>Takes the values in force from the store, dropping what was typed.</summary>
    public void Load(SettingsStore store)
    {
        InForce = ToShown(Setting.Read(store.Current));
        IsSaved = store.Saved.ContainsKey(Setting.Key);
        Value = InForce;
    }

    public static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    // The field shows its unit beside the number, so a bound is a plain number unless it needs words.
    private string Bound(decimal value) => _describe?.Invoke(value) ?? Number(value);

    private decimal ToShown(long stored) => Math.Round((decimal)stored / Scale, Decimals);
}
