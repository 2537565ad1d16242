using System.Diagnostics;
using System.Text.Json;
using Discovery.Network.Coordinates;
using Discovery.Network.Latency;

namespace Discovery.Bench.Coordinates;

/// <summary>
/// <c>vivaldi</c>: converges the library's coordinates over an RTT matrix (see <see cref="VivaldiSimulation"/>) and
/// prints one JSON object with the accuracy over every measured pair.
/// </summary>
public static class VivaldiBenchmark
{
    /// <summary>Runs it and writes the JSON line.</summary>
    public static void Run(string matrixPath, RttUnit unit, int dimensions, int rounds, int seed, string? scheduleOut, string? overrides, TextWriter output)
    {
        var matrix = RttMatrix.Load(matrixPath, unit);
        var options = Override(new VivaldiOptions { Dimensions = dimensions }, overrides);
        var simulation = new VivaldiSimulation(matrix, options, seed);
        using var schedule = scheduleOut is null ? null : new StreamWriter(scheduleOut);
        if (schedule is not null)
            simulation.OnUpdate = (i, j, rtt) => schedule.WriteLine(FormattableString.Invariant($"{i} {j} {rtt:R}"));
        var clock = Stopwatch.StartNew();
        simulation.Run(rounds);
        var seconds = clock.Elapsed.TotalSeconds;
        var accuracy = simulation.Accuracy();
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["nodes"] = matrix.Count,
            ["measured_pairs"] = accuracy.MeasuredPairs,
            ["rounds"] = rounds,
            ["dims"] = dimensions,
            ["implementation"] = "Discovery.Network (this repository)",
            ["median_relative_error"] = Math.Round(accuracy.MedianRelativeError, 4),
            ["p90_relative_error"] = Math.Round(accuracy.P90RelativeError, 4),
            ["median_abs_error_ms"] = Math.Round(accuracy.MedianAbsErrorMs, 4),
            ["p90_abs_error_ms"] = Math.Round(accuracy.P90AbsErrorMs, 4),
            ["seconds"] = Math.Round(seconds, 3),
            ["options"] = overrides ?? "",
        }));
    }

    // "Name=Value,Name=Value": sets VivaldiOptions' numeric properties by name, to measure a trade-off without a rebuild.
    private static VivaldiOptions Override(VivaldiOptions options, string? overrides)
    {
        foreach (var pair in (overrides ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, text) = pair.Split('=', 2) is [var n, var v] ? (n.Trim(), v.Trim()) : throw new ArgumentException($"--set: expected Name=Value, got '{pair}'");
            var property = typeof(VivaldiOptions).GetProperty(name) ?? throw new ArgumentException($"--set: VivaldiOptions has no property '{name}'");
            var value = Convert.ChangeType(text, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
            options = options with { };
            property.SetValue(options, value);
        }
        return options.Validate() is { } problem ? throw new ArgumentException($"--set: {problem}") : options;
    }
}
