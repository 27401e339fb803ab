using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace EtlWeb.Settings;

/// <summary>
/// One setting the Settings page can override: its configuration key, the range declared on its options
/// property (the one checked at start, so a saved value never passes what the configuration would refuse),
/// and how it is read from and written into <see cref="EffectiveSettings"/>.
/// </summary>
public sealed class SettingDefinition
{
    private readonly Func<EffectiveSettings, long> _read;
    private readonly Func<EffectiveSettings, long, EffectiveSettings> _write;

    private SettingDefinition(string key, long min, long max, Func<EffectiveSettings, long> read, Func<EffectiveSettings, long, EffectiveSettings> write)
    {
        Key = key;
        Min = min;
        Max = max;
        _read = read;
        _write = write;
    }

    /// <summary>The configuration key, e.g. <c>EtlWeb:Retention:Days</c>; also the row's key in the settings table.</summary>
    public string Key { get; }

    public long Min { get; }

    public long Max { get; }

    public long Read(EffectiveSettings settings) => _read(settings);

    public EffectiveSettings Write(EffectiveSettings settings, long value) => _write(settings, value);

    public bool Accepts(long value) => value >= Min && value <= Max;

    /// <summary>A definition whose range is the <see cref="RangeAttribute"/> on <typeparamref name="TOptions"/>.<paramref name="property"/>.</summary>
    public static SettingDefinition For<TOptions>(string key, string property, Func<EffectiveSettings, long> read, Func<EffectiveSettings, long, EffectiveSettings> write)
    {
        var range = typeof(TOptions).GetProperty(property)?.GetCustomAttribute<RangeAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TOptions).Name}.{property} has no [Range].");
        return new SettingDefinition(key, ToInt64(range.Minimum), ToInt64(range.Maximum), read, write);
    }

    // [Range(1024, long.MaxValue)] is stored as a double that rounds past long.MaxValue.
    private static long ToInt64(object bound) => bound switch
    {
        double d when d >= long.MaxValue => long.MaxValue,
        double d => (long)d,
        _ => Convert.ToInt64(bound, CultureInfo.InvariantCulture),
    };
}
