using System.Runtime.InteropServices;
using Discovery.Bench.Placement;

// discovery-bench COMMAND [options] — each benchmark prints a Markdown report with the machine it ran on.
var usage = """
    usage: discovery-bench placement [--topology FILE] [--nodes-per-site N] [--ves N] [--seed N]
           discovery-bench generate-matrix --nodes N --out FILE [--model geo|internet] [--topology FILE] [--seed N]   (ms)
           discovery-bench vivaldi --matrix FILE [--unit ms|s] [--dims D] [--rounds N] [--seed N] [--schedule-out FILE]
                                   [--set Name=Value,...]
           discovery-bench console-map [--nodes 2000] [--seed N]
           discovery-bench images [--dir /tmp/discovery-images]   (builds 3 Debian images if absent: root, debootstrap, casync)
           discovery-bench image-delivery [--size-mib 64] [--boot-mib 16] [--bandwidth-mibps 20] [--parallel 4]
           discovery-bench nearest (--matrix FILE [--unit ms|s] | --generate N [--topology FILE]) [--k 10] [--queries Q]
                                   [--rounds N] [--dims D] [--seed N]
           discovery-bench dvms [--nodes 467] [--vms-per-node 10.18] [--seconds 600] [--seed N] [--consolidation on|off]
                                [--grains on|off] [--sites 4] [--monitor-seconds 10] [--central-seconds 30]
           discovery-bench failover [--rounds 5] [--vms 20] [--probe-timeout-ms 1000] [--missed-probes 2]
           discovery-bench chaos [--minutes 10] [--fault-every 20] [--workers 3] [--ves-per-worker 3] [--seed N]
                                 (needs the PostgreSQL server binaries; exit 1 when an invariant is broken)
           discovery-bench scale [--nodes 10000] [--sites 100] [--vms 100000] [--ves 10000] [--concurrency 16] [--seed N]
      --topology FILE      GraphML (Topology Zoo) or CSV of sites (default: ../shared/data/topology/Renater2010.graphml)
      --nodes-per-site N   mean nodes per site (default: 12)
      --ves N              VEs to deploy (default: 2000)
      --seed N             random seed (default: 1)
      --model geo|internet generate-matrix: nodes on the topology's geography (default), or an Internet-like matrix
                           (continents, heavy-tailed access delays, routing inflation, triangle-inequality
                           violations, asymmetry, 3 % missing)
      --matrix FILE        RTT matrix: n lines of n numbers, 0 or less = not measured
      --unit ms|s          the matrix's unit (default: ms)
      --dims D             coordinate dimensions (default: 8)
      --rounds N           rounds, each node measuring one partner per round (default: 1000)
      --generate N         nearest: N nodes on the topology's geography, RTTs computed on the fly (no n² file)
      --k K, --queries Q   nearest: how many nearest nodes per search (default 10), how many searches (default 1000)
      --schedule-out FILE  also write every update as "i j rtt_ms", for bench/peers/compare-vivaldi.sh
      --dir DIR            images: where the image tars are (or are built) and the stores go (default: /tmp/discovery-images)
      --size-mib N         image-delivery: image size (default 64); --boot-mib N: its boot-critical part (default 16)
      --bandwidth-mibps N  image-delivery: each site's pull limit (default 20); --parallel N: fetches at once (default 4)
      --vms-per-node M     dvms: VMs per node on average (467 × 10.18 = the 4,754 VMs of DVMS's Grid'5000 run);
                           --consolidation on also empties underloaded nodes so they can stand by; --grains on runs
                           the product's grains on an in-process cluster (one silo per site) instead of the simulation
      --sites S            scale: one silo per site, all in this process; --vms/--ves: VMs in all, spread evenly over
                           the VEs; --concurrency: deploys (and registrations) in flight at once
      --set Name=Value,... vivaldi: override VivaldiOptions properties (e.g. --set MaxPullRatio=0,Timestep=0.2)
    """;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var options = Options.Parse(args.Skip(1).ToArray());
    // Commands that print JSON print nothing else on stdout.
    if (args[0] is "placement" or "console-map" or "images")
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    switch (args[0])
    {
        case "placement":
            PlacementBenchmark.Run(new PlacementBenchmarkOptions(
                options.Get("--topology", null) ?? DefaultTopology(), options.GetInt("--nodes-per-site", 12), options.GetInt("--ves", 2000), options.GetInt("--seed", 1)), Console.Out);
            return 0;
        case "generate-matrix" when options.Get("--model", "geo") is "internet":
            Discovery.Bench.Coordinates.InternetLikeMatrix.Save(options.Require("--out"), options.GetInt("--nodes", 500), options.GetInt("--seed", 1));
            return 0;
        case "generate-matrix" when options.Get("--model", "geo") is not "geo":
            throw new ArgumentException($"--model must be geo or internet (got '{options.Get("--model", null)}')");
        case "generate-matrix":
            var topology = Discovery.Network.Topology.BackboneTopology.Load(options.Get("--topology", null) ?? DefaultTopology());
            new Discovery.Network.Latency.GeographicWan(topology).Matrix(options.GetInt("--nodes", 500), options.GetInt("--seed", 1)).Save(options.Require("--out"));
            return 0;
        case "nearest":
            var network = options.Get("--generate", null) is not null
                ? new Discovery.Network.Latency.GeographicWan(Discovery.Network.Topology.BackboneTopology.Load(options.Get("--topology", null) ?? DefaultTopology()))
                    .Network(options.GetInt("--generate", 1000), options.GetInt("--seed", 1))
                : Discovery.Network.Latency.RttMatrix.Load(options.Require("--matrix"), options.GetUnit());
            Discovery.Bench.Coordinates.NearestBenchmark.Run(network, options.GetInt("--k", 10), options.GetInt("--queries", 1000),
                options.GetInt("--rounds", 1000), options.GetInt("--dims", 8), options.GetInt("--seed", 1), Console.Out);
            return 0;
        case "console-map":
            await Discovery.Bench.ConsoleMap.MapBenchmark.RunAsync(options.GetInt("--nodes", 2000), options.GetInt("--seed", 1), Console.Out);
            return 0;
        case "images":
            await Discovery.Bench.Images.ImagesBenchmark.RunAsync(options.Get("--dir", null) ?? "/tmp/discovery-images", Console.Out);
            return 0;
        case "image-delivery":
            await Discovery.Bench.Images.DeliveryBenchmark.RunAsync(new Discovery.Bench.Images.DeliveryBenchmarkOptions(
                options.GetInt("--size-mib", 64), options.GetInt("--boot-mib", 16), options.GetInt("--bandwidth-mibps", 20), options.GetInt("--parallel", 4)), Console.Out);
            return 0;
        case "vivaldi":
            Discovery.Bench.Coordinates.VivaldiBenchmark.Run(options.Require("--matrix"), options.GetUnit(), options.GetInt("--dims", 8),
                options.GetInt("--rounds", 1000), options.GetInt("--seed", 1), options.Get("--schedule-out", null), options.Get("--set", null), Console.Out);
            return 0;
        case "failover":
            await Discovery.Bench.Reliability.FailoverBenchmark.RunAsync(new Discovery.Bench.Reliability.FailoverOptions(
                options.GetInt("--rounds", 5), options.GetInt("--vms", 20), TimeSpan.FromMilliseconds(options.GetInt("--probe-timeout-ms", 1000)),
                options.GetInt("--missed-probes", 2)), Console.Out);
            return 0;
        case "chaos":
            return await Discovery.Bench.Chaos.ChaosSoak.RunAsync(options.GetInt("--minutes", 10), options.GetInt("--fault-every", 20),
                options.GetInt("--workers", 3), options.GetInt("--ves-per-worker", 3), options.GetInt("--seed", 1), Console.Out);
        case "scale":
            await Discovery.Bench.Scale.ScaleBenchmark.RunAsync(Discovery.Bench.Scale.ScaleBenchmarkOptions.From(options), Console.Out);
            return 0;
        case "dvms":
            Discovery.Bench.Scheduling.DvmsBenchmark.Run(Discovery.Bench.Scheduling.DvmsBenchmarkOptions.Parse(args.Skip(1).ToArray()), Console.Out);
            return 0;
        default:
            Console.Error.WriteLine($"discovery-bench: unknown benchmark '{args[0]}'\n{usage}");
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or TimeoutException)
{
    Console.Error.WriteLine($"discovery-bench: {e.Message}");
    return 2;
}

static string DefaultTopology()
{
    // The shared data sits beside the repository's root, whichever directory the benchmark is started from.
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "topology", "Renater2010.graphml");
        if (File.Exists(candidate))
            return Path.GetFullPath(candidate);
    }
    throw new ArgumentException("no --topology given and ../shared/data/topology/Renater2010.graphml not found");
}

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            options._values[args[i]] = args[i + 1];
        }
        return options;
    }

    public string? Get(string name, string? fallback) => _values.TryGetValue(name, out var value) ? value : fallback;

    public string Require(string name) => _values.GetValueOrDefault(name) ?? throw new ArgumentException($"{name} is required");

    public Discovery.Network.Latency.RttUnit GetUnit() => Get("--unit", "ms") switch
    {
        "ms" => Discovery.Network.Latency.RttUnit.Milliseconds,
        "s" => Discovery.Network.Latency.RttUnit.Seconds,
        var other => throw new ArgumentException($"--unit must be ms or s (got '{other}')"),
    };

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, out var value) && value > 0 ? value
        : throw new ArgumentException($"{name} must be a positive whole number (got '{text}')");
}
