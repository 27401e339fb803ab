using System.Globalization;

namespace EtlWeb.Features.Runs;

/// <summary>How an attempt's resource figures read on the pages: "312 MiB", "1.52 s", and a line with all of them.</summary>
public static class ResourceText
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>Bytes in the largest binary unit under 1024 of it; "—" when not measured.</summary>
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } value)
        {
            return "—";
        }

        var size = (double)value;
        var unit = 0;
        while (size >= 1024 && unit < Units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        var format = unit == 0 || size >= 100 ? "0" : size >= 10 ? "0.#" : "0.##";
        return size.ToString(format, CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>CPU seconds: "0.04 s", "12.3 s", "5 min 3 s"; "—" when not measured.</summary>
    public static string Cpu(double? seconds) => seconds switch
    {
        null => "—",
        < 10 => seconds.Value.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        < 60 => seconds.Value.ToString("0.#", CultureInfo.InvariantCulture) + " s",
        _ => $"{(int)(seconds.Value / 60)} min {(int)(seconds.Value % 60)} s",
    };

    /// <summary>Every figure of an attempt in one line (a tooltip), or null for an attempt not measured.</summary>
    public static string? Details(AttemptDocument attempt) => attempt.ResourceSource is not { } source ? null
        : $"Peak memory {Bytes(attempt.PeakMemoryBytes)}; CPU {Cpu(attempt.CpuSeconds)} (user {Cpu(attempt.CpuUserSeconds)}, system {Cpu(attempt.CpuSystemSeconds)}); "
          + $"read {Bytes(attempt.ReadBytes)}, written {Bytes(attempt.WriteBytes)}; measured from the {source}";
}
