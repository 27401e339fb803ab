namespace EtlWeb.Core.Runs;

/// <summary>
/// A batch of consecutive log lines of one attempt, stored as one row (never a row per line).
/// <see cref="Data"/> is encoded by <see cref="LogChunkCodec"/>.
/// </summary>
public sealed class LogChunk
{
    public long Id { get; set; }

    public long AttemptId { get; set; }

    /// <summary>Zero-based number of the first line in this chunk within the attempt.</summary>
    public long FirstLine { get; set; }

    public int LineCount { get; set; }

    public byte[] Data { get; set; } = [];
}
