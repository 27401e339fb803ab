using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EtlWeb.Core.Documents;

/// <summary>One field of a JSON document that its type does not know, by path, with the message to show.</summary>
public sealed record UnknownField(string Path, string Message);

/// <summary>
/// Finds the fields of a JSON document that a type does not read, at any depth (objects within objects and within
/// arrays), by the serializer's own contract: its property names and case rule, plus the names the type declares
/// with <see cref="AlsoAcceptsAttribute"/>. Dictionaries and raw JSON values take any key.
/// </summary>
public static class UnknownFields
{
    public static IReadOnlyList<UnknownField> Find(JsonElement document, Type type, JsonSerializerOptions options)
    {
        var found = new List<UnknownField>();
        Walk(document, type, "", options, found);
        return found;
    }

    private static IEnumerable<string> AlsoAccepted(Type type) => type.GetCustomAttribute<AlsoAcceptsAttribute>()?.Names ?? [];

    private static void Walk(JsonElement element, Type type, string path, JsonSerializerOptions options, List<UnknownField> found)
    {
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var properties = info.Properties.Where(p => !p.IsExtensionData).ToList();
                var also = AlsoAccepted(type).ToList();
                var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                foreach (var field in element.EnumerateObject())
                {
                    // A field may be named "": its path shows the quotes, so that the message still names something.
                    var name = field.Name.Length == 0 ? "\"\"" : field.Name;
                    var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (properties.FirstOrDefault(p => string.Equals(p.Name, field.Name, comparison)) is { } property)
                    {
                        Walk(field.Value, property.PropertyType, fieldPath, options, found);
                    }
                    else if (!also.Contains(field.Name, StringComparer.FromComparison(comparison)))
                    {
                        found.Add(new UnknownField(fieldPath, FieldSuggestion.Describe(field.Name, [.. properties.Select(p => p.Name), .. also])));
                    }
                }

                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } elementType:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, elementType, $"{path}[{index++}]", options, found);
                }

                break;
        }
    }
}
