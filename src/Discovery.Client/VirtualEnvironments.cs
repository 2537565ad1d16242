using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Networks;
using Discovery.Abstractions.VirtualMachines;
using Orleans.Streams;

namespace Discovery.Client;

/// <summary>
/// A tenant's VEs: create from a spec, deploy near a locality, operate, relocate, locate and watch. A VE is named
/// <c>tenant/name</c>. Operations take an optional request id: retrying with the same id returns the first outcome
/// and never does the work twice (one is made up when none is given).
/// </summary>
public sealed class VirtualEnvironments
{
    private readonly IClusterClient _grains;
    private readonly Calls _calls;

    internal VirtualEnvironments(IClusterClient grains, Calls calls) => (_grains, _calls) = (grains, calls);

    /// <summary>Records <paramref name="spec"/> for VE <paramref name="ve"/>; throws <see cref="InvalidVeSpecException"/> naming every problem.</summary>
    public Task<VeInfo> CreateAsync(string ve, VeSpec spec, string? requestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Run(ve, "create", g => g.ConfigureAsync(spec, Calls.RequestId(requestId)), cancellationToken);
    }

    /// <summary>
    /// Places and starts every VM near <paramref name="near"/> (else the spec's locality, else the caller); throws
    /// <see cref="PlacementFailedException"/> naming the constraint that could not be met, and then leaves nothing reserved.
    /// </summary>
    public Task<VeInfo> DeployAsync(string ve, Locality? near = null, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "deploy", g => g.DeployAsync(Calls.RequestId(requestId), near), cancellationToken);

    /// <summary>Suspends every running VM of the VE.</summary>
    public Task<VeInfo> SuspendAsync(string ve, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "suspend", g => g.SuspendAsync(Calls.RequestId(requestId)), cancellationToken);

    /// <summary>Resumes every suspended VM of the VE.</summary>
    public Task<VeInfo> ResumeAsync(string ve, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "resume", g => g.ResumeAsync(Calls.RequestId(requestId)), cancellationToken);

    /// <summary>Starts the VMs of a stopped VE where they are.</summary>
    public Task<VeInfo> StartAsync(string ve, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "start", g => g.StartAsync(Calls.RequestId(requestId)), cancellationToken);

    /// <summary>Stops every VM of the VE (<paramref name="force"/>: power off rather than shut down).</summary>
    public Task<VeInfo> StopAsync(string ve, bool force = false, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "stop", g => g.StopAsync(Calls.RequestId(requestId), force), cancellationToken);

    /// <summary>
    /// Starts again, elsewhere under the VE's constraints, each VM that failed with its node and was not protected; one
    /// that finds no node waits for capacity (its state says why) and is tried again.
    /// </summary>
    public Task<VeInfo> RepairAsync(string ve, string? requestId = null, CancellationToken cancellationToken = default) =>
        Run(ve, "repair", g => g.RepairAsync(Calls.RequestId(requestId)), cancellationToken);

    /// <summary>Moves the VE, or only its VM <paramref name="vm"/>, near <paramref name="to"/>; its constraints keep holding.</summary>
    public Task<VeInfo> RelocateAsync(string ve, Locality to, string? vm = null, string? requestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        return Run(ve, "relocate", g => g.RelocateAsync(to, Calls.RequestId(requestId), vm), cancellationToken);
    }

    /// <summary>
    /// Sets the CPU demand of VM <paramref name="vm"/> of the VE (vCPUs, at most its size) in place of the workload
    /// model's — e.g. to overload its node and watch the cooperative scheduler move VMs; null returns it to the model.
    /// </summary>
    public Task<VmInfo> SetCpuDemandAsync(string ve, string vm, double? vcpus, CancellationToken cancellationToken = default)
    {
        var id = ParseVm(ve, vm).Value;
        return _calls.RunAsync($"demand of VM {id}", () => _grains.GetGrain<IVmGrain>(id).SetCpuDemandAsync(vcpus), cancellationToken);
    }

    /// <summary>
    /// VM <paramref name="vm"/> of the VE as its own record says: state, node, generation (restarts after a lost node),
    /// latest snapshot, standby node; <see cref="NotFoundException"/> when the VE has no such VM.
    /// </summary>
    public async Task<VmInfo> GetVmAsync(string ve, string vm, CancellationToken cancellationToken = default)
    {
        var id = ParseVm(ve, vm).Value;
        var info = await _calls.RunAsync($"VM {id}", () => _grains.GetGrain<IVmGrain>(id).GetInfoAsync(), cancellationToken);
        return info.State == VmState.None ? throw new NotFoundException($"there is no VM '{id}'") : info;
    }

    /// <summary>Deletes the VE and its VMs.</summary>
    public Task DeleteAsync(string ve, string? requestId = null, CancellationToken cancellationToken = default)
    {
        var grain = Grain(ve);
        return _calls.RunAsync($"delete of VE {ve}", () => grain.DeleteAsync(Calls.RequestId(requestId)), cancellationToken);
    }

    /// <summary>Where each VM of the VE is, in which state, and how far from its requester; <see cref="NotFoundException"/> when there is no such VE.</summary>
    public async Task<VeInfo> LocateAsync(string ve, CancellationToken cancellationToken = default)
    {
        var info = await Run(ve, "locate", g => g.LocateAsync(), cancellationToken);
        return info.Status == VeStatus.None ? throw new NotFoundException($"there is no VE '{ve}'") : info;
    }

    /// <summary>
    /// The VE's private network: its subnet, its VXLAN network id and an address for each of its VMs, allocated on the
    /// first call and the same afterwards (suspend, resume and relocation keep them). Throws
    /// <see cref="NotFoundException"/> for a VE that does not exist.
    /// </summary>
    public async Task<VeNetwork> NetworkAsync(string ve, CancellationToken cancellationToken = default)
    {
        var info = await LocateAsync(ve, cancellationToken);
        var ipam = _grains.GetGrain<ITenantNetworkGrain>(VeId.Parse(info.Id).Tenant);
        foreach (var vm in info.Vms)
            await _calls.RunAsync($"address of {info.Id}/{vm.Vm}", () => ipam.AddressOfAsync(info.Id, vm.Vm), cancellationToken);
        return await _calls.RunAsync($"network of {info.Id}", () => ipam.AllocateAsync(info.Id), cancellationToken);
    }

    /// <summary>One page of VE ids, those containing <paramref name="filter"/> when given.</summary>
    public Task<VePage> ListAsync(string? filter = null, int offset = 0, int count = 100, CancellationToken cancellationToken = default) =>
        _calls.RunAsync("list of VEs", () => _grains.GetGrain<IVeDirectoryGrain>(0).ListAsync(offset, count, filter), cancellationToken);

    /// <summary>
    /// The VE's progress reports (deploy, relocate, suspend, …) from now on, until <paramref name="cancellationToken"/>
    /// fires.
    /// </summary>
    public IAsyncEnumerable<VeProgress> WatchAsync(string ve, CancellationToken cancellationToken = default)
    {
        var id = Parse(ve);
        var stream = _grains.GetStreamProvider(DiscoveryStreams.Provider).GetStream<VeProgress>(StreamId.Create(VeStreams.Namespace, id.ToString()));
        return StreamReader.ReadAsync([stream], _calls.Credential, cancellationToken);
    }

    private Task<VeInfo> Run(string ve, string operation, Func<IVeGrain, Task<VeInfo>> call, CancellationToken cancellationToken)
    {
        var grain = Grain(ve);
        return _calls.RunAsync($"{operation} of VE {ve}", () => call(grain), cancellationToken);
    }

    private IVeGrain Grain(string ve) => _grains.GetGrain<IVeGrain>(Parse(ve).ToString());

    private static VeId Parse(string ve)
    {
        try
        {
            return VeId.Parse(ve);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(ve), e);
        }
    }

    private static VmId ParseVm(string ve, string vm)
    {
        var parsed = Parse(ve);
        try
        {
            return parsed.Vm(vm);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(vm), e);
        }
    }
}
