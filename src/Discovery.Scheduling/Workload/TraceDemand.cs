using System.Globalization;

namespace Discovery.Scheduling.Workload;

/// <summary>
/// Demand replayed from a text trace of <c>time_s vm cpu memoryMiB</c> lines (blank lines and <c>#</c> comments
/// ignored). A VM's demand at a time is its latest sample at or before that time, and none before its first sample.
/// </summary>
public sealed class TraceDemand : IDemandSource
{
    private readonly Dictionary<string, List<(double Time, VmLoad Load)>> _samples;

    private TraceDemand(Dictionary<string, List<(double, VmLoad)>> samples) => _samples = samples;

    /// <summary>The VMs the trace mentions.</summary>
    public IReadOnlyCollection<string> Vms => _samples.Keys;

    /// <summary>Reads a trace file.</summary>
    public static TraceDemand Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Reads a trace; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">A line is malformed; the message names the source, the line and the value.</exception>
    public static TraceDemand Parse(TextReader reader, string source = "trace")
    {
        var samples = new Dictionary<string, List<(double, VmLoad)>>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Split('#', 2)[0].Trim();
            if (text.Length == 0)
                continue;
            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 4)
                throw new FormatException($"{source}:{number}: expected 'time_s vm cpu memoryMiB', got '{text}'");
            var time = Number(fields[0], "time_s", source, number);
            var cpu = Number(fields[2], "cpu", source, number);
            if (!long.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var memory) || memory < 0)
                throw new FormatException($"{source}:{number}: memoryMiB '{fields[3]}' is not a whole number of MiB ≥ 0");
            if (!samples.TryGetValue(fields[1], out var list))
                samples[fields[1]] = list = [];
            list.Add((time, new VmLoad(cpu, memory)));
        }
        foreach (var list in samples.Values)
            list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return new TraceDemand(samples);
    }

    /// <inheritdoc />
    public VmLoad DemandAt(string vm, double timeSeconds)
    {
        if (!_samples.TryGetValue(vm, out var list))
            throw new ArgumentException($"the trace has no VM named '{vm}'", nameof(vm));
        var at = VmLoad.None;
        foreach (var (time, load) in list)
        {
            if (time > timeSeconds)
                break;
            at = load;
        }
        return at;
    }

    private static double Number(string field, string name, string source, int line) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? value
            : throw new FormatException($"{source}:{line}: {name} '{field}' is not a number ≥ 0");
}
