namespace Discovery.Bench;

/// <summary>Percentiles as the benchmark reports print them.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="p"/> percentile (0 to 1) of <paramref name="values"/>; NaN when there are none.</summary>
    public static double NearestRank(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
