using System.Globalization;
using System.Text;
using Discovery.Network.Emulation;
using Discovery.Network.Topology;

namespace Discovery.Emulate;

/// <summary>
/// Chooses the sites, their namespaces and addresses, and the delays between them; writes <c>backbone.json</c> (the
/// relay's and the comparison's input) and <c>infrastructure.yaml</c> (the silos' sites and nodes), and prints one
/// line per site for the script: <c>site INDEX NAME NAMESPACE WAN-ADDRESS LAN-ADDRESS</c>.
/// </summary>
internal static class PlanCommand
{
    public static int Run(Arguments arguments)
    {
        var topology = BackboneTopology.Load(arguments.Required("topology"));
        var sites = arguments.Optional("sites") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : topology.Pops.Take((int)arguments.Number("count", 3)).Select(p => p.Name).ToList();
        EmulatedBackbone plan;
        try
        {
            plan = EmulatedBackbone.Plan(arguments.Required("name"), topology, sites,
                arguments.Number("rate-mbps", 100), arguments.Number("delay-scale", 1), arguments.Number("rate-scale", EmulatedBackbone.DefaultRateScale));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var directory = arguments.Required("out");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "backbone.json"), plan.ToJson());
        File.WriteAllText(Path.Combine(directory, "infrastructure.yaml"), Infrastructure(plan, (int)arguments.Number("nodes", 2)));
        for (var i = 0; i < plan.Sites.Count; i++)
        {
            var s = plan.Sites[i];
            Console.WriteLine($"site {i} {s.Name} {s.Namespace} {s.WanAddress} {s.LanAddress}");
        }
        return 0;
    }

    private static string Infrastructure(EmulatedBackbone plan, int nodesPerSite)
    {
        var yaml = new StringBuilder("# Written by discovery-emulate plan: the emulated backbone's sites.\nsites:\n");
        foreach (var s in plan.Sites)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: {s.Name}\n    latitude: {s.Latitude}\n    longitude: {s.Longitude}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    nodes:\n      - {{ name: node, count: {nodesPerSite}, cpus: 16, memoryMiB: 65536 }}\n");
        }
        return yaml.ToString();
    }
}
