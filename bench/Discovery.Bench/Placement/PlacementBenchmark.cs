using System.Diagnostics;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Network;
using Discovery.Network.Topology;
using Discovery.Placement;

namespace Discovery.Bench.Placement;

/// <summary>What the placement benchmark is run with.</summary>
public sealed record PlacementBenchmarkOptions(string Topology, int NodesPerSite, int Ves, int Seed);

/// <summary>
/// Deploys the same stream of VEs twice on copies of one simulated infrastructure: with Discovery's locality-first
/// planner (site coordinates only, nearest sites first) and with the exhaustive central reference (every node, true
/// RTTs). Reports placements per second and the locality ratio: the mean true requester→VM RTT of Discovery's
/// placements over the reference's, on the VEs both placed (1.0 is perfect).
/// </summary>
public static class PlacementBenchmark
{
    private const double SameSiteEstimateMs = 0.5;

    /// <summary>Runs the benchmark and prints a Markdown report.</summary>
    public static void Run(PlacementBenchmarkOptions options, TextWriter output)
    {
        var topology = BackboneTopology.Load(options.Topology);
        var random = new Random(options.Seed);
        var infrastructure = new SimulatedInfrastructure(topology, options.NodesPerSite, random);
        var generator = new VeGenerator(infrastructure, random);
        var requests = Enumerable.Range(0, options.Ves).Select(_ => generator.Next()).ToList();

        var ours = new Side("Discovery (locality-first, coordinates only)");
        var reference = new Side("Reference (exhaustive, central, true RTTs)");
        var oursFree = infrastructure.EmptyCapacity();
        var referenceFree = infrastructure.EmptyCapacity();
        var planner = new LocalityFirstPlanner(new PlacementSearch());
        var model = new GeoLatencyModel();
        var exhaustive = new ExhaustivePlacement();
        var cut = 0;
        var sitesAsked = 0L;
        var pairedOurs = new List<double>();
        var pairedReference = new List<double>();

        foreach (var (spec, requester) in requests)
        {
            var problem = PlacementProblem.For(spec);

            var clock = Stopwatch.StartNew();
            double Estimate(string site) => site == requester.Site ? SameSiteEstimateMs : model.RttMs(infrastructure.LocationOf(requester.Site), infrastructure.LocationOf(site));
            var sites = infrastructure.Sites.OrderBy(Estimate).ThenBy(s => s, StringComparer.Ordinal).ToList();
            var plan = planner.PlanAsync(problem, sites, site => Task.FromResult<IReadOnlyList<Candidate>>(
                Candidates(infrastructure, oursFree, site, _ => Estimate(site)))).GetAwaiter().GetResult();
            ours.Time += clock.Elapsed;
            sitesAsked += plan.SitesAsked;
            var oursRtts = Apply(plan.Outcome.Plan, oursFree, problem, infrastructure, requester, ours);

            clock.Restart();
            var everyNode = infrastructure.Sites.SelectMany(site => Candidates(infrastructure, referenceFree, site, host => infrastructure.TrueRttMs(requester, host))).ToList();
            var (best, complete) = exhaustive.Place(problem, everyNode);
            reference.Time += clock.Elapsed;
            cut += complete ? 0 : 1;
            var referenceRtts = Apply(best, referenceFree, problem, infrastructure, requester, reference);

            if (oursRtts is not null && referenceRtts is not null)
            {
                pairedOurs.AddRange(oursRtts);
                pairedReference.AddRange(referenceRtts);
            }
        }

        var ratio = pairedOurs.Average() / pairedReference.Average();
        output.WriteLine($"Topology: {Path.GetFileName(options.Topology)} — {topology.Pops.Count} sites, {infrastructure.Nodes.Count} nodes; {options.Ves} VEs ({requests.Sum(r => r.Spec.Instances().Count)} VMs), seed {options.Seed}");
        output.WriteLine();
        output.WriteLine("| placer | VEs placed | VEs refused | placements/s | mean requester→VM RTT (ms, VEs both placed) |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (side, rtts) in new[] { (ours, pairedOurs), (reference, pairedReference) })
            output.WriteLine($"| {side.Name} | {side.Placed} | {side.Refused} | {side.Placed / side.Time.TotalSeconds:0} | {rtts.Average():0.000} |");
        output.WriteLine();
        output.WriteLine($"Locality ratio (Discovery / reference, 1.0 is perfect): **{ratio:0.000}**");
        output.WriteLine($"Sites asked per VE by Discovery: {(double)sitesAsked / options.Ves:0.00} of {topology.Pops.Count}; reference searches cut at the step bound: {cut}");
    }

    private static List<Candidate> Candidates(SimulatedInfrastructure infrastructure, Dictionary<string, Resources> free, string site, Func<PlacementHost, double> rtt) =>
        infrastructure.Nodes.Where(n => n.Host.Site == site && free[n.Host.Node].Vcpus > 0)
            .Select(n => new Candidate(n.Host, free[n.Host.Node], rtt(n.Host)))
            .ToList();

    // Reserves a plan on the capacity it was made from; returns the true RTT of each VM, or null when not placed.
    private static List<double>? Apply(IReadOnlyDictionary<string, Candidate>? plan, Dictionary<string, Resources> free, PlacementProblem problem,
        SimulatedInfrastructure infrastructure, Requester requester, Side side)
    {
        if (plan is null)
        {
            side.Refused++;
            return null;
        }
        side.Placed++;
        foreach (var vm in problem.Vms)
            free[plan[vm.Vm].Host.Node] -= vm.Demand;
        return plan.Values.Select(c => infrastructure.TrueRttMs(requester, c.Host)).ToList();
    }

    private sealed class Side(string name)
    {
        public string Name => name;

        public int Placed { get; set; }

        public int Refused { get; set; }

        public TimeSpan Time { get; set; }
    }
}
