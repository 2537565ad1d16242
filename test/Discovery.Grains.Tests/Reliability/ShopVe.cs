using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// The VE the node-loss tests lose a node under: <c>ops-{test}/shop</c>, one protected VM (web, ha: restart) and one
/// unprotected (batch), both deployed on node a of rennes; node b of rennes is where web may go next.
/// </summary>
internal static class ShopVe
{
    public static async Task<(string A, string B, IVeGrain Ve)> DeployAsync(IClusterClient client, string test, string nodePrefix)
    {
        var (a, b) = ($"rennes/{nodePrefix}-a-{test}", $"rennes/{nodePrefix}-b-{test}");
        foreach (var node in new[] { a, b })
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var ve = client.GetGrain<IVeGrain>($"ops-{test}/shop");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 512, Ha: HaMode.Restart), new VmTemplate("batch", 1, 512)],
            [new Fence([], [a, b])]), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(a));
        Assert.All((await ve.LocateAsync()).Vms, v => Assert.Equal(a, v.Node));
        return (a, b, ve);
    }
}
