using System.Runtime.InteropServices;
using Discovery.Bench.Placement;

// discovery-bench COMMAND [options] — each benchmark prints a Markdown report with the machine it ran on.
var usage = """
    usage: discovery-bench placement [--topology FILE] [--nodes-per-site N] [--ves N] [--seed N]
      --topology FILE      GraphML (Topology Zoo) or CSV of sites (default: ../shared/data/topology/Renater2010.graphml)
      --nodes-per-site N   mean nodes per site (default: 12)
      --ves N              VEs to deploy (default: 2000)
      --seed N             random seed (default: 1)
    """;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    var options = Options.Parse(args.Skip(1).ToArray());
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    switch (args[0])
    {
        case "placement":
            PlacementBenchmark.Run(new PlacementBenchmarkOptions(
                options.Get("--topology", DefaultTopology()), options.GetInt("--nodes-per-site", 12), options.GetInt("--ves", 2000), options.GetInt("--seed", 1)), Console.Out);
            return 0;
        default:
            Console.Error.WriteLine($"discovery-bench: unknown benchmark '{args[0]}'\n{usage}");
            return 2;
    }
}
catch (ArgumentException e)
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

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, out var value) && value > 0 ? value
        : throw new ArgumentException($"{name} must be a positive whole number (got '{text}')");
}
