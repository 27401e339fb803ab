using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Shared by an attempt's stdout and stderr pumps: one lock, so the sink never sees concurrent calls and
/// timestamps rise in the order the sink receives lines. Secrets are masked here, before any sink sees a line.
/// </summary>
internal sealed class SerializedOutput(IAttemptOutput output, SecretMasker secrets, TimeProvider time)
{
    private readonly Lock gate = new();

    /// <summary>Per stream, a wrapped encoding of a secret the last line ended inside; each is touched by its stream's pump only.</summary>
    private readonly string?[] continuations = new string?[(int)LogStream.System + 1];
    private bool closed;

    public SecretMasker Secrets => secrets;

    public void Write(LogStream stream, ReadOnlySpan<byte> line)
    {
        var text = secrets.MaskLine(LineText.Decode(line), ref continuations[(int)stream]);
        lock (gate)
        {
            if (!closed)
            {
                output.OnLine(stream, text, time.GetUtcNow());
            }
        }
    }

    /// <summary>After this returns the sink gets no more lines, even from a pump still blocked on a pipe.</summary>
    public void Close()
    {
        lock (gate)
        {
            closed = true;
        }
    }
}
