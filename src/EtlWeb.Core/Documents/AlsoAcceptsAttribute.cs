namespace EtlWeb.Core.Documents;

/// <summary>
/// Field names a document type reads besides its own properties (through its extension data), so that a strict
/// reader does not call them unknown.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AlsoAcceptsAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
