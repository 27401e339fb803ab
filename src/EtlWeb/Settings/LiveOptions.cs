using Microsoft.Extensions.Options;

namespace EtlWeb.Settings;

/// <summary>
/// Options whose <see cref="Value"/> is read from the settings store at each use, for a service that takes
/// <see cref="IOptions{TOptions}"/> and reads Value per operation: RetentionService keeps that signature
/// because its tests hand it fixed options.
/// </summary>
internal sealed class LiveOptions<TOptions>(Func<TOptions> read) : IOptions<TOptions>
    where TOptions : class
{
    public TOptions Value => read();
}
