using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;

namespace Discovery.Bench.Placement;

/// <summary>Random VEs of the shapes tenants deploy, from random requesters.</summary>
public sealed class VeGenerator(SimulatedInfrastructure infrastructure, Random random)
{
    private readonly string[] _sites = infrastructure.Sites.ToArray();

    /// <summary>The next request: a spec and who asks.</summary>
    public (VeSpec Spec, Requester Requester) Next()
    {
        var requester = new Requester(_sites[random.Next(_sites.Length)], 0.1 + random.NextDouble() * 0.9);
        var shape = random.NextDouble();
        var spec = shape switch
        {
            // a single VM
            < 0.4 => new VeSpec([Vm("app", count: 1)]),
            // a web tier spread over nodes, and its database
            < 0.7 => new VeSpec([Vm("web", count: 2 + random.Next(2)), Vm("db", count: 1)], [new Spread(["web"])]),
            // geo-redundant replicas on distinct sites
            < 0.9 => new VeSpec([Vm("replica", count: 3)], [new SiteSpread(["replica"])]),
            // a pair kept on one node, inside a jurisdiction of a few sites
            _ => new VeSpec([Vm("front", count: 1), Vm("cache", count: 1)],
                [new Gather(["front", "cache"]), new Fence([], _sites.OrderBy(_ => random.Next()).Take(5).ToList())]),
        };
        return (spec, requester);
    }

    private VmTemplate Vm(string name, int count)
    {
        var vcpus = 1 << random.Next(3); // 1, 2 or 4
        return new VmTemplate(name, vcpus, vcpus * 2048L, DiskGiB: 10 + random.Next(40), Count: count);
    }
}
