namespace EtlWeb.Orchestration;

/// <summary>
/// What every job's process inherits from EtlWeb's environment (EtlWeb:PassEnvironment and the allow-list of
/// <see cref="Core.Execution.InheritedEnvironment"/>), read once at start: EtlWeb's environment does not change.
/// </summary>
public sealed record JobBaseEnvironment(IReadOnlyDictionary<string, string> Variables);
