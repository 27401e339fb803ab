namespace EtlWeb.Core.Execution;

/// <summary>
/// Cuts a byte stream into lines on '\n'. A line longer than <see cref="MaxLineBytes"/> goes out in pieces of
/// that size, so one endless line can neither exhaust memory nor be lost. Each line goes out with the offset in
/// the stream just past it (and its newline): where reading would start again to get the lines after it.
/// </summary>
/// <param name="secrets">Keeps each cut clear of a secret, which is masked a piece at a time.</param>
/// <param name="start">The offset in the stream of the first byte pushed.</param>
internal sealed class LineSplitter(SecretMasker secrets, long start, LineSplitter.Emit emit)
{
    public const int MaxLineBytes = 64 * 1024;

    private readonly byte[] pending = new byte[MaxLineBytes];
    private int length;

    /// <summary>The offset just past the last byte pushed.</summary>
    private long accepted = start;

    /// <param name="line">The line without its newline (nor a CR before it).</param>
    /// <param name="end">The offset in the stream just past the line.</param>
    public delegate void Emit(ReadOnlySpan<byte> line, long end);

    public void Push(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data);
                return;
            }

            var line = data[..newline];
            if (length == 0 && line.Length <= MaxLineBytes)
            {
                // The common case: a whole line inside the read buffer goes out without a copy.
                accepted += newline + 1;
                EmitLine(line);
            }
            else
            {
                Append(line);
                accepted++;
                EmitLine(pending.AsSpan(0, length));
                length = 0;
            }

            data = data[(newline + 1)..];
        }
    }

    /// <summary>Emits a last line that had no newline before the end of the stream.</summary>
    public void Flush()
    {
        if (length > 0)
        {
            EmitLine(pending.AsSpan(0, length));
            length = 0;
        }
    }

    private void EmitLine(ReadOnlySpan<byte> line) =>
        emit(line.EndsWith((byte)'\r') ? line[..^1] : line, accepted);

    private void Append(ReadOnlySpan<byte> data)
    {
        while (length + data.Length > MaxLineBytes)
        {
            var take = MaxLineBytes - length;
            data[..take].CopyTo(pending.AsSpan(length));
            data = data[take..];
            accepted += take;

            // The piece ends where the bytes held back for the next piece begin.
            var cut = secrets.SafeCut(pending.AsSpan(0, CharacterBoundary()));
            emit(pending.AsSpan(0, cut), accepted - (MaxLineBytes - cut));

            // The bytes of a character or a secret the cut would have split start the next piece.
            pending.AsSpan(cut, MaxLineBytes - cut).CopyTo(pending);
            length = MaxLineBytes - cut;
        }

        data.CopyTo(pending.AsSpan(length));
        length += data.Length;
        accepted += data.Length;
    }

    /// <summary>Where to cut a full buffer so a UTF-8 sequence is not split across two pieces.</summary>
    private int CharacterBoundary()
    {
        var start = MaxLineBytes - 1;
        while (start > MaxLineBytes - 4 && IsContinuation(pending[start]))
        {
            start--;
        }

        var lead = pending[start];
        var size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return IsContinuation(lead) || start + size <= MaxLineBytes ? MaxLineBytes : start;
    }

    private static bool IsContinuation(byte value) => (value & 0xC0) == 0x80;
}
