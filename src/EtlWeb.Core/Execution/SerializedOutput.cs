using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Shared by the readers of an attempt's stdout and stderr: one lock, so the sink never sees concurrent calls and
/// timestamps rise in the order the sink receives lines. Secrets are masked here, before any sink sees a line.
/// </summary>
internal sealed class SerializedOutput(IAttemptOutput output, SecretMasker secrets, TimeProvider time)
{
    private readonly Lock gate = new();

    /// <summary>Per stream, a wrapped encoding of a secret the last line ended inside; each is touched by its stream's reader only.</summary>
    private readonly string?[] continuations = new string?[(int)LogStream.System + 1];

    public SecretMasker Secrets => secrets;

    public void Write(LogStream stream, ReadOnlySpan<byte> line, long spoolEnd)
    {
        var text = secrets.MaskLine(LineText.Decode(line), ref continuations[(int)stream]);
        lock (gate)
        {
            output.OnLine(stream, text, time.GetUtcNow(), spoolEnd);
        }
    }

    public long Stored(LogStream stream) => output.Stored(stream);
}
