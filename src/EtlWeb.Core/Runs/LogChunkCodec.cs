using System.Buffers.Binary;
using System.Text;

namespace EtlWeb.Core.Runs;

/// <summary>
/// Binary layout of a log chunk: per line, UTC ticks (8 bytes, little endian), stream (1 byte),
/// UTF-8 length (7-bit varint) and the UTF-8 text. Compact and decodable without a parser.
/// </summary>
public static class LogChunkCodec
{
    public static void Append(Stream output, DateTimeOffset timestamp, LogStream stream, string text)
    {
        Span<byte> header = stackalloc byte[9];
        BinaryPrimitives.WriteInt64LittleEndian(header, timestamp.UtcTicks);
        header[8] = (byte)stream;
        output.Write(header);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        WriteVarint(output, byteCount);
        var buffer = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(text, buffer);
        output.Write(buffer);
    }

    public static IEnumerable<LogLine> Decode(byte[] data, long firstLine)
    {
        var position = 0;
        var number = firstLine;
        while (position < data.Length)
        {
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(position, 8));
            var stream = (LogStream)data[position + 8];
            position += 9;
            var length = ReadVarint(data, ref position);
            var text = Encoding.UTF8.GetString(data, position, length);
            position += length;
            yield return new LogLine(number++, new DateTimeOffset(ticks, TimeSpan.Zero), stream, text);
        }
    }

    private static void WriteVarint(Stream output, int value)
    {
        var remaining = (uint)value;
        while (remaining >= 0x80)
        {
            output.WriteByte((byte)(remaining | 0x80));
            remaining >>= 7;
        }

        output.WriteByte((byte)remaining);
    }

    private static int ReadVarint(byte[] data, ref int position)
    {
        var result = 0;
        var shift = 0;
        while (true)
        {
            var b = data[position++];
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }

            shift += 7;
        }
    }
}
