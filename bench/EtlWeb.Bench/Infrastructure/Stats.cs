namespace EtlWeb.Bench.Infrastructure;

public static class Stats
{
    /// <summary>Nearest-rank percentile (q in 0..1): with 50 samples p99 is the largest one.</summary>
    public static double Percentile(IReadOnlyCollection<double> samples, double q)
    {
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
