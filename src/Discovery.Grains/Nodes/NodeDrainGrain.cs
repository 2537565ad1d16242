using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Events;
using Discovery.Grains.Sites;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Nodes;

/// <summary>
/// Drains one node. Kept apart from the node's agent on purpose: moving a VM calls back into the agent (export,
/// evict), which must not be busy waiting for the drain.
/// </summary>
public sealed class NodeDrainGrain(SiteCatalog catalog, TimeProvider time, ILogger<NodeDrainGrain> logger) : Grain, INodeDrainGrain
{
    private NodeId Id => NodeId.Parse(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<DrainReport> DrainAsync(string requestId)
    {
        if (string.IsNullOrWhiteSpace(requestId))
            throw new ArgumentException($"drain of node {Id} needs a request id (any unique string, reused only to retry)", nameof(requestId));
        var node = GrainFactory.GetGrain<INodeGrain>(Id.ToString());
        var info = await node.GetInfoAsync();
        if (info.Spec is null)
            throw new ArgumentException($"node {Id} is not registered, so there is nothing to drain");
        if (info.Status == NodeStatus.Up)
            await node.SetStatusAsync(NodeStatus.Maintenance);

        var vms = info.Vms ?? [];
        var outcomes = new List<DrainedVm>();
        await ProgressAsync(0, vms.Count, vms.Count == 0 ? "no VM to move" : $"moving {vms.Count} VM(s) away");
        foreach (var vm in vms)
        {
            var outcome = await MoveAsync(vm, $"{requestId}/{vm}");
            outcomes.Add(outcome);
            await ProgressAsync(outcomes.Count, vms.Count, outcome.Problem is null
                ? $"{vm} moved to {outcome.To}"
                : $"{vm} stays: {outcome.Problem}");
        }
        return new DrainReport(Id.ToString(), outcomes);
    }

    private async Task<DrainedVm> MoveAsync(string vm, string requestId)
    {
        try
        {
            return await MoveWithItsVeAsync(vm, requestId) ?? await MoveAloneAsync(vm);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or HypervisorException)
        {
            logger.LogWarning("Drain of {Node}: {Vm} stays: {Problem}", Id, vm, e.Message);
            return new DrainedVm(vm, null, e.Message);
        }
    }

    // A VM of a VE moves through its VE, which keeps the VE's constraints; null when no VE owns the VM.
    private async Task<DrainedVm?> MoveWithItsVeAsync(string vm, string requestId)
    {
        var parts = vm.Split('/');
        if (parts.Length != 3)
            return null;
        var ve = GrainFactory.GetGrain<IVeGrain>($"{parts[0]}/{parts[1]}");
        var before = await ve.LocateAsync();
        if (before.Vms.All(v => v.Vm != parts[2]))
            return null;
        var after = await ve.RelocateAsync(Locality.NearNode(Id.ToString()), requestId, parts[2]);
        var to = after.Vm(parts[2]).Node;
        return to == Id.ToString()
            ? new DrainedVm(vm, null, "its VE found no other node that keeps its constraints")
            : new DrainedVm(vm, to, null);
    }

    // A VM outside any VE goes to the node with the most room in the nearest site that has room for it.
    private async Task<DrainedVm> MoveAloneAsync(string vm)
    {
        var grain = GrainFactory.GetGrain<IVmGrain>(vm);
        var demand = (await grain.GetInfoAsync()).Spec?.Demand ?? Resources.None;
        var sites = (await GrainFactory.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync()).Where(s => s.IsUp).Select(s => s.Name);
        foreach (var site in catalog.ByDistanceFrom(Id.Site, sites))
        {
            var loads = await GrainFactory.GetGrain<ISiteGrain>(site).GetLoadsAsync();
            var targets = loads
                .Where(l => l.Node != Id.ToString() && l.Status == NodeStatus.Up && l.Free.Holds(demand))
                .OrderByDescending(l => l.Free.MemoryMiB).ThenBy(l => l.Node, StringComparer.Ordinal);
            foreach (var target in targets)
            {
                try
                {
                    await grain.MigrateAsync(target.Node);
                    return new DrainedVm(vm, target.Node, null);
                }
                catch (Exception e) when (e is InvalidOperationException or HypervisorException)
                {
                    logger.LogInformation("Drain of {Node}: {Target} refused {Vm}: {Problem}", Id, target.Node, vm, e.Message);
                }
            }
        }
        return new DrainedVm(vm, null, $"no node that is up has room for it ({demand})");
    }

    private Task ProgressAsync(int done, int total, string message) =>
        this.PublishAsync(new NodeDrainProgress(Id.Site, time.GetUtcNow(), Id.ToString(), done, total, message), logger);
}
