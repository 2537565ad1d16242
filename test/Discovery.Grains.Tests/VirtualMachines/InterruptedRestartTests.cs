using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Reliability;
using Discovery.Grains.VirtualMachines;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Discovery.Grains.Tests.VirtualMachines;

/// <summary>
/// A protected VM's restart elsewhere defines it on the new node, records that, then starts it. The chaos suite found
/// a restart interrupted between the two (the new node's silo went away): the next restart read the record's Defined
/// as "the tenant stopped it" and left the VM Defined for good. Each test writes the record a restart left in storage
/// and restarts the VM again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InterruptedRestartTests(SiteClusterFixture fixture)
{
    private static readonly VmSpec Small = new(1, 512);
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private INodeGrain Node(string id) => fixture.Client.GetGrain<INodeGrain>(id);

    // Two fresh nodes (they reconcile first 30 s after registering: nothing activates the VM before the test does),
    // the VM admitted on the first, and the record storage held for it.
    private async Task<(IVmRecoveryGrain Vm, string Id, string First, string Next)> LeftOnFirstNodeAsync(VmRecord record)
    {
        var (first, next) = ($"rennes/first-{_test}", $"lyon/next-{_test}");
        foreach (var node in new[] { first, next })
            await Node(node).RegisterAsync(new NodeSpec(4, 8192));
        var vm = $"t/{_test}/db";
        await Node(first).AdmitAsync(vm, Small);
        record.Spec = Small;
        record.Node = first;
        var grain = fixture.Client.GetGrain<IVmRecoveryGrain>(vm);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        await storage.WriteStateAsync("vm", grain.GetGrainId(), new GrainState<VmRecord>(record));
        return (grain, vm, first, next);
    }

    [Fact]
    public async Task A_restart_cut_off_before_the_start_starts_the_vm_when_it_is_tried_again()
    {
        var (vm, id, _, next) = await LeftOnFirstNodeAsync(new VmRecord { State = VmState.Defined, Generation = 1, StartPending = true });

        var info = await vm.RestartOnAsync(next, "the node of its first restart was lost too");

        Assert.Equal((VmState.Running, next, 2L), (info.State, info.Node, info.Generation));
        Assert.Contains(await Node(next).GetDomainsAsync(), d => d.Name == VmId.Parse(id).DomainName && d.State == VmState.Running);
    }

    [Fact]
    public async Task A_vm_the_tenant_stopped_is_restarted_elsewhere_stopped()
    {
        var (vm, id, _, next) = await LeftOnFirstNodeAsync(new VmRecord { State = VmState.Stopped });

        var info = await vm.RestartOnAsync(next, "its node was lost");

        Assert.Equal((VmState.Defined, next, 1L), (info.State, info.Node, info.Generation));
        Assert.DoesNotContain(await Node(next).GetDomainsAsync(), d => d.Name == VmId.Parse(id).DomainName && d.State == VmState.Running);
    }
}
