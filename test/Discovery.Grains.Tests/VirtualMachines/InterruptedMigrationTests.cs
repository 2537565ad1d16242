using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.VirtualMachines;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Discovery.Grains.Tests.VirtualMachines;

/// <summary>
/// A migration whose VM grain's silo died half-way: the nodes did some of its steps, the record still says Migrating
/// from the source (found by the chaos suite, seed 20377466). Each test takes the steps on the nodes as
/// <see cref="VmGrain.MigrateAsync"/> does, stops where the silo died, and writes the record that was left in storage;
/// the VM's next activation must settle it from where the domain is.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InterruptedMigrationTests(SiteClusterFixture fixture)
{
    private static readonly VmSpec Small = new(1, 512);
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    // Fresh nodes reconcile first 30 s after they register: nothing activates the VM before the test asks for it.
    private async Task<(string Vm, INodeGrain Source, INodeGrain Target)> RunningOnSourceAsync()
    {
        var (source, target) = ($"rennes/from-{_test}", $"lyon/to-{_test}");
        foreach (var node in new[] { source, target })
            await Node(node).RegisterAsync(new NodeSpec(4, 8192));
        var vm = $"t/{_test}/half";
        await Node(source).AdmitAsync(vm, Small);
        await Node(source).OperateAsync(vm, VmOperation.Start);
        await Node(target).AdmitAsync(vm, Small, defineDomain: false); // the migration's first step: a reservation
        return (vm, Node(source), Node(target));
    }

    private INodeGrain Node(string id) => fixture.Client.GetGrain<INodeGrain>(id);

    // What storage held when the silo died: written before the VM grain is ever activated.
    private async Task<IVmGrain> LeftMigratingAsync(string vm, INodeGrain source, INodeGrain target)
    {
        var grain = fixture.Client.GetGrain<IVmGrain>(vm);
        var record = new VmRecord
        {
            Spec = Small,
            State = VmState.Migrating,
            Node = source.GetPrimaryKeyString(),
            MigratingTo = target.GetPrimaryKeyString(),
        };
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        await storage.WriteStateAsync("vm", grain.GetGrainId(), new GrainState<VmRecord>(record));
        return grain;
    }

    private static async Task<IReadOnlyList<string>> VmsOn(INodeGrain node) => (await node.GetInfoAsync()).Vms ?? [];

    [Fact]
    public async Task Died_after_the_target_restored_it_the_record_follows_the_vm_to_the_target_and_the_source_is_released()
    {
        var (vm, source, target) = await RunningOnSourceAsync();
        await target.ImportAsync(vm, await source.ExportAsync(vm));
        var grain = await LeftMigratingAsync(vm, source, target);

        await Eventually.HoldsAsync(async () => await grain.GetInfoAsync() is { State: VmState.Running } info && info.Node == target.GetPrimaryKeyString(),
            "the record to say Running on the target");
        await Eventually.HoldsAsync(async () => !(await VmsOn(source)).Contains(vm), "the source to release its reservation");
        Assert.Equal([vm], await VmsOn(target));
        Assert.Equal(VmState.Suspended, (await grain.SuspendAsync()).State); // operable again, on the target
    }

    [Fact]
    public async Task Died_before_the_vm_was_saved_it_stays_running_on_the_source_and_the_target_is_released()
    {
        var (vm, source, target) = await RunningOnSourceAsync();
        var grain = await LeftMigratingAsync(vm, source, target);

        await Eventually.HoldsAsync(async () => await grain.GetInfoAsync() is { State: VmState.Running } info && info.Node == source.GetPrimaryKeyString(),
            "the record to say Running on the source");
        await Eventually.HoldsAsync(async () => !(await VmsOn(target)).Contains(vm), "the target to release its reservation");
        Assert.Equal([vm], await VmsOn(source));
        Assert.Equal(VmState.Running, (await source.GetDomainsAsync()).Single(d => d.Name == VmId.Parse(vm).DomainName).State);
    }

    [Fact]
    public async Task Died_between_saving_it_and_restoring_it_the_vm_is_failed_on_the_source_with_the_reason_and_the_target_is_released()
    {
        var (vm, source, target) = await RunningOnSourceAsync();
        _ = await source.ExportAsync(vm); // the saved memory image lived only in the dead silo
        var grain = await LeftMigratingAsync(vm, source, target);

        await Eventually.HoldsAsync(async () => (await grain.GetInfoAsync()).State == VmState.Failed, "the record to say Failed");
        var info = await grain.GetInfoAsync();
        Assert.Equal(source.GetPrimaryKeyString(), info.Node);
        Assert.Contains($"lost during a migration to {target.GetPrimaryKeyString()}", info.Failure);
        await Eventually.HoldsAsync(async () => !(await VmsOn(target)).Contains(vm), "the target to release its reservation");
        await grain.DeleteAsync(); // a failed VM can be deleted, which frees the source too
        Assert.DoesNotContain(vm, await VmsOn(source));
    }
}
