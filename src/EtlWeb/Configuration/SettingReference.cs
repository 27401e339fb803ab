using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace EtlWeb.Configuration;

/// <summary>
/// One configuration key EtlWeb reads, taken from a property of its options record: the record's
/// <c>[Description]</c>, validation attributes and initial value are the single source for --help, the start-up
/// check, appsettings.json and the README table.
/// </summary>
public sealed record SettingReference(string Key, PropertyInfo Property, object? Default)
{
    /// <summary>The options records and the configuration section each is bound from.</summary>
    private static readonly (string Section, Type Options)[] Sections =
    [
        (ListenOptions.Section, typeof(ListenOptions)),
        (EtlWebOptions.Section, typeof(EtlWebOptions)),
        (EtlWebOptions.Section, typeof(PublicUrlOptions)),
        (ProxyOptions.Section, typeof(ProxyOptions)),
        (EtlWebOptions.Section, typeof(ExecutionOptions)),
        (DatabaseOptions.Section, typeof(DatabaseOptions)),
        ($"{EtlWebOptions.Section}:Node", typeof(NodeOptions)),
        ($"{EtlWebOptions.Section}:Scheduler", typeof(SchedulerOptions)),
        ($"{EtlWebOptions.Section}:Retention", typeof(RetentionOptions)),
        (PythonOptions.Section, typeof(PythonOptions)),
        (KeyRingOptions.Section, typeof(KeyRingOptions)),
        (AuthOptions.Section, typeof(AuthOptions)),
        (MetricsOptions.Section, typeof(MetricsOptions)),
        (SmtpOptions.Section, typeof(SmtpOptions)),
        (SlackOptions.Section, typeof(SlackOptions)),
        (DeliveryOptions.Section, typeof(DeliveryOptions)),
    ];

    public static IReadOnlyList<SettingReference> All { get; } = [.. Sections.SelectMany(s => Of(s.Section, s.Options))];

    public Type Type => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    public string Description => Property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    public RangeAttribute? Range => Property.GetCustomAttribute<RangeAttribute>();

    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The default as it is written in appsettings.json and on the command line.</summary>
    public string DefaultText => Default switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Default.ToString() ?? "",
    };

    private static IEnumerable<SettingReference> Of(string section, Type options)
    {
        var defaults = Activator.CreateInstance(options);
        return options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null)
            .Select(p => new SettingReference(section.Length == 0 ? p.Name : $"{section}:{p.Name}", p, p.GetValue(defaults)));
    }
}
