namespace Discovery.Bench.Scheduling;

/// <summary>What the DVMS benchmark runs: the infrastructure's size, how long, and the two schedulers' periods.</summary>
/// <param name="Nodes">Nodes in the infrastructure.</param>
/// <param name="VmsPerNode">VMs per node on average (467 nodes × 10.18 = the 4,754 VMs of the DVMS Grid'5000 run).</param>
/// <param name="Seconds">Simulated seconds each scheduler runs for.</param>
/// <param name="Seed">Same seed, same infrastructure, workload and message jitter.</param>
/// <param name="Consolidation">Whether underloaded nodes also raise events (emptied so they can stand by).</param>
/// <param name="MonitorSeconds">How often nodes are observed (and VM demand takes a random-walk step).</param>
/// <param name="CentralPeriodSeconds">How often the centralised scheduler starts a round, at the earliest.</param>
/// <param name="LatencySeconds">One-way message latency between DVMS nodes; jitter of up to half of it is added.</param>
/// <param name="Grains">Run the product's grains on an in-process cluster instead of the library's simulation.</param>
/// <param name="Sites">Sites (one silo each) of the grain run.</param>
public sealed record DvmsBenchmarkOptions(
    int Nodes = 467,
    double VmsPerNode = 10.18,
    double Seconds = 600,
    int Seed = 1,
    bool Consolidation = false,
    double MonitorSeconds = 10,
    double CentralPeriodSeconds = 30,
    double LatencySeconds = 0.01,
    bool Grains = false,
    int Sites = 4)
{
    /// <summary>Total VMs.</summary>
    public int Vms => (int)Math.Round(Nodes * VmsPerNode);

    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public DvmsBenchmarkOptions Validate()
    {
        if (Nodes < 2)
            throw new ArgumentException($"--nodes must be at least 2 (got {Nodes})");
        if (!(VmsPerNode > 0) || double.IsInfinity(VmsPerNode))
            throw new ArgumentException($"--vms-per-node must be a positive number (got {VmsPerNode})");
        if (!(Seconds >= MonitorSeconds) || double.IsInfinity(Seconds))
            throw new ArgumentException($"--seconds must be at least the monitoring interval, {MonitorSeconds} s (got {Seconds})");
        if (Grains && (Sites < 1 || Sites > 16 || Sites > Nodes))
            throw new ArgumentException($"--sites must be between 1 and 16 (one silo each on this machine) and at most --nodes (got {Sites})");
        return this;
    }

    /// <summary>Reads the command's options; <paramref name="args"/> are name/value pairs after the command.</summary>
    public static DvmsBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DvmsBenchmarkOptions();
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var (name, value) = (args[i], args[i + 1]);
            options = name switch
            {
                "--nodes" => options with { Nodes = (int)Number(name, value) },
                "--vms-per-node" => options with { VmsPerNode = Number(name, value) },
                "--seconds" => options with { Seconds = Number(name, value) },
                "--seed" => options with { Seed = (int)Number(name, value) },
                "--consolidation" => options with { Consolidation = OnOff(name, value) },
                "--grains" => options with { Grains = OnOff(name, value) },
                "--sites" => options with { Sites = (int)Number(name, value) },
                "--monitor-seconds" => options with { MonitorSeconds = Number(name, value) },
                "--central-seconds" => options with { CentralPeriodSeconds = Number(name, value) },
                _ => throw new ArgumentException($"dvms: unknown option {name}"),
            };
        }
        return options.Validate();
    }

    private static bool OnOff(string name, string value) =>
        value is "on" ? true : value is "off" ? false : throw new ArgumentException($"{name} must be on or off (got '{value}')");

    private static double Number(string name, string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive number (got '{text}')");
}
