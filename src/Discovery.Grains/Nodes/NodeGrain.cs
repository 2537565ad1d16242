using Discovery.Abstractions.Images;
using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Diagnostics;
using Discovery.Grains.Events;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Images;
using Discovery.Grains.Reliability;
using Discovery.Grains.Sites;
using Discovery.Hypervisor;
using Discovery.Scheduling.Energy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Nodes;

/// <summary>
/// The agent of one physical node; always on a silo of the node's site. Every change is made on the hypervisor
/// first and recorded only once the hypervisor confirmed it.
/// </summary>
[SitePlacement]
public sealed class NodeGrain(
    [PersistentState("node", StorageNames.State)] IPersistentState<NodeState> state,
    SiteTopology topology,
    HypervisorPool hypervisors,
    ImageDelivery images,
    Networks.VeNetworkAttacher networks,
    IOptions<Scheduling.SchedulerOptions> scheduling,
    IOptions<HypervisorOptions> options,
    TimeProvider time,
    ILogger<NodeGrain> logger) : Grain, INodeGrain, IRemindable, Networks.IVeOverlayMemberGrain
{
    // A reminder, unlike the reconciliation timer, outlives the agent's activation and its silo: after a restart it
    // brings every registered agent back, which reconciles its records with its hypervisor at once.
    private const string WakeUpReminder = "wake-up";
    private static readonly TimeSpan WakeUpPeriod = TimeSpan.FromMinutes(5);
    private DateTimeOffset? _lastReconciled;
    private IGrainTimer? _wakeUpRegistration; // until the reminder service took the wake-up reminder

    private NodeId Id => NodeId.Parse(this.GetPrimaryKeyString());

    private string? _uri;
    private int _failedChecks;

    // VMs reserved here for a cold migration whose domain has not arrived yet (AdmitAsync without a domain, then
    // ImportAsync): their record names the source for a moment before it says Migrating.
    private readonly HashSet<string> _incoming = new(StringComparer.Ordinal);

    // VMs that looked stale at the last reconciliation but may only have been caught between two steps (see FenceAsync).
    private HashSet<string> _suspects = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is { } spec)
        {
            _uri = hypervisors.UriFor(Id, spec);
            // Not awaited: the site grain may be the caller that activated this node (GetLoadsAsync asks each node),
            // and awaiting it from activation would deadlock both until the call times out.
            SiteRegistry.NodeActivatedAsync(Id.Name, topology.LocalSilo.ToParsableString()).Ignore();
            StartReconciling();
            await Locality.StartAsync();
            StartScheduler();
        }
    }

    /// <inheritdoc />
    public async Task<NodeInfo> RegisterAsync(NodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } problem)
            throw new ArgumentException($"node {Id}: {problem}", nameof(spec));
        if (state.State.Spec is { } current && current != spec && state.State.Vms.Count > 0)
            throw new InvalidOperationException($"node {Id} has {state.State.Vms.Count} VMs: drain it before changing its description");

        var uri = hypervisors.UriFor(Id, spec);
        var host = await OnHypervisor(() => hypervisors.Connect(uri).GetNodeInfo());
        var joined = state.State.Status is NodeStatus.Joining or NodeStatus.Down;
        await SiteRegistry.AddNodeAsync(Id.Name);
        await SiteRegistry.NodeActivatedAsync(Id.Name, topology.LocalSilo.ToParsableString());
        if (state.State.Spec != spec || joined)
        {
            state.State.Spec = spec;
            state.State.Status = joined ? NodeStatus.Up : state.State.Status;
            await state.WriteStateAsync();
        }
        _uri = uri;
        RegisterWakeUpReminder();
        StartReconciling();
        ReportLoad();
        await Locality.StartAsync();
        StartScheduler();
        if (joined)
        {
            logger.LogInformation("Node {Node} joined: {Cpus} CPUs, {MemoryMiB} MiB, hypervisor {Uri} reports {HostCpus} CPUs",
                Id, spec.Cpus, spec.MemoryMiB, uri, host.Cpus);
            await this.PublishAsync(new NodeJoined(Id.Site, time.GetUtcNow(), Id.ToString()), logger);
        }
        return Info();
    }

    /// <inheritdoc />
    public Task<NodeInfo> GetInfoAsync() => Task.FromResult(Info());

    /// <inheritdoc />
    public async Task<NodeInfo> SetStatusAsync(NodeStatus status)
    {
        RequireRegistered();
        if (status is not (NodeStatus.Up or NodeStatus.Maintenance or NodeStatus.Standby))
            throw new ArgumentException($"node {Id}: status can be set to Up, Maintenance or Standby, not {status}", nameof(status));
        if (status == NodeStatus.Standby && state.State.Vms.Count > 0)
            throw new InvalidOperationException($"node {Id} cannot stand by: it still has {state.State.Vms.Count} VM(s) ({string.Join(", ", state.State.Vms.Keys.Order().Take(5))})");
        // A node failed on purpose comes back as a repaired machine would: powered on, with no domain left.
        if (state.State.Status == NodeStatus.Down && hypervisors.PowerOn(_uri!))
        {
            _failedChecks = 0;
            logger.LogInformation("Node {Node}: its host is powered on again", Id);
        }
        if (state.State.Status != status)
        {
            if (status == NodeStatus.Standby || state.State.Status == NodeStatus.Standby)
                DiscoveryMetrics.Standby(on: status == NodeStatus.Standby, new PowerModel(scheduling.Value.Power).StandbySavingWatts);
            state.State.Status = status;
            await state.WriteStateAsync();
            await this.PublishAsync(new NodeStatusChanged(Id.Site, time.GetUtcNow(), Id.ToString(), status), logger);
            ReportLoad();
        }
        return Info();
    }

    /// <inheritdoc />
    public async Task LeaveAsync()
    {
        RequireRegistered();
        if (state.State.Vms.Count > 0)
            throw new InvalidOperationException($"node {Id} still has {state.State.Vms.Count} VMs ({string.Join(", ", state.State.Vms.Keys.Take(5))}): drain it first");
        state.State.Status = NodeStatus.Down;
        await state.WriteStateAsync();
        await this.TryUnregisterAsync(WakeUpReminder, logger); // if refused, its next tick finds the node gone and retries
        await SiteRegistry.RemoveNodeAsync(Id.Name);
        await this.PublishAsync(new NodeLeft(Id.Site, time.GetUtcNow(), Id.ToString()), logger);
    }

    /// <inheritdoc />
    public async Task AdmitAsync(string vm, VmSpec spec, bool defineDomain = true)
    {
        var id = VmId.Parse(vm);
        var node = RequireRegistered();
        if (spec.Validate() is { } problem)
            throw new ArgumentException($"VM {vm}: {problem}", nameof(spec));
        if (state.State.Vms.TryGetValue(vm, out var admitted))
        {
            if (admitted != spec)
                throw new VmTransitionException($"VM {vm} is already on node {Id} with another spec ({admitted})");
            // Reserved without a domain (a standby copy's capacity, a migration's target) and now to run here: its
            // domain is defined on the reservation it already holds.
            if (defineDomain && !await OnHypervisor(() => HasDomain(id)))
            {
                _incoming.Remove(vm);
                await DefineDomainAsync(id, spec);
            }
            return;
        }
        // Placement passes standby nodes by, so a VM sent here means a partition or an operator needs this capacity.
        if (state.State.Status == NodeStatus.Standby && NodeCapacity.Refusal(node, state.State.Vms.Values, spec) is null)
        {
            logger.LogInformation("Node {Node} wakes up from standby for VM {Vm}", Id, vm);
            await SetStatusAsync(NodeStatus.Up);
        }
        // A refusal means whoever asked had a stale view of this node: refresh the site's view too.
        if (state.State.Status != NodeStatus.Up)
        {
            ReportLoad();
            throw new VmTransitionException($"node {Id} is {state.State.Status} and takes no new VM");
        }
        if (NodeCapacity.Refusal(node, state.State.Vms.Values, spec) is { } full)
        {
            ReportLoad();
            throw new InsufficientCapacityException($"node {Id} cannot take VM {vm}: it {full}");
        }

        // The first VM of its VE here joins the VE's overlay; refused, before anything is defined, if it cannot be built.
        await networks.JoinOverlayAsync(Id.ToString(), id, state.State.Vms.Keys, () => Connection);
        if (!defineDomain)
            _incoming.Add(vm);
        if (defineDomain)
            await DefineDomainAsync(id, spec);
        state.State.Vms[vm] = spec;
        await state.WriteStateAsync();
        ReportLoad();
    }

    // An imported image is pulled to this site (boot-critical chunks first) and assembled for libvirt.
    private async Task DefineDomainAsync(VmId id, VmSpec spec)
    {
        var disk = spec.Image is { } image ? await images.PrepareAsync(GrainFactory, Id, image) : null;
        var nic = await networks.AttachmentOfAsync(id);
        await OnHypervisor(() =>
        {
            if (nic is not null)
                Networks.VeNetworkAttacher.Ensure(Connection, nic.Network, nic.Bridge);
            var domain = ToDomainSpec(id, spec, disk) with { Network = nic?.Network, MacAddress = nic?.Mac };
            Connection.DefineDomain(DomainXml.Build(domain, DomainXml.KindFor(_uri!))).Dispose();
        });
    }

    private bool HasDomain(VmId id)
    {
        using var domain = Connection.TryLookupDomain(id.DomainName);
        return domain is not null;
    }

    /// <inheritdoc />
    public async Task<VmState> OperateAsync(string vm, VmOperation operation, bool force = false)
    {
        var id = RequireVm(vm);
        return await OnHypervisor(() =>
        {
            using var domain = Connection.LookupDomain(id.DomainName);
            // Already done: the VM's silo died after the hypervisor did it and before the VM recorded it, and the
            // retry must converge rather than fail on libvirt's "domain not running" for ever (found by the chaos suite).
            var current = ToVmState(domain.GetInfo().State);
            if (AlreadyDone(operation, current))
                return current;
            switch (operation)
            {
                case VmOperation.Start: domain.Create(); break;
                case VmOperation.Suspend: domain.Suspend(); break;
                case VmOperation.Resume: domain.Resume(); break;
                case VmOperation.Stop when force: domain.Destroy(); break;
                case VmOperation.Stop: domain.Shutdown(); break;
                default: throw new ArgumentException($"node agents do not {operation} VMs themselves", nameof(operation));
            }
            return ToVmState(domain.GetInfo().State);
        });
    }

    /// <inheritdoc />
    public async Task EvictAsync(string vm)
    {
        var id = VmId.Parse(vm);
        if (!state.State.Vms.ContainsKey(vm))
            return;
        await OnHypervisor(() =>
        {
            using var domain = Connection.TryLookupDomain(id.DomainName);
            if (domain is null)
                return;
            if (domain.GetInfo().State is not (DomainState.Shutoff or DomainState.NoState))
                domain.Destroy();
            domain.Undefine();
        });
        state.State.Vms.Remove(vm);
        _incoming.Remove(vm);
        await state.WriteStateAsync();
        ReportLoad();
        await networks.LeaveOverlayAsync(Id.ToString(), id, state.State.Vms.Keys);
    }

    /// <inheritdoc />
    public Task ApplyOverlayAsync(Networks.VeOverlayView view) => networks.ApplyOverlayAsync(view);

    /// <inheritdoc />
    public async Task<VmTransfer> ExportAsync(string vm)
    {
        var id = RequireVm(vm);
        return await OnHypervisor(() =>
        {
            using var domain = Connection.LookupDomain(id.DomainName);
            var xml = domain.GetXml();
            var was = ToVmState(domain.GetInfo().State);
            byte[]? saved = null;
            if (was is VmState.Running or VmState.Suspended)
            {
                var file = hypervisors.StateFile(id.DomainName);
                try
                {
                    domain.Save(file);
                    saved = File.ReadAllBytes(file);
                }
                finally
                {
                    File.Delete(file);
                }
            }
            domain.Undefine();
            return new VmTransfer(saved, xml, was);
        });
    }

    /// <inheritdoc />
    public async Task<VmState> ImportAsync(string vm, VmTransfer transfer)
    {
        var id = RequireVm(vm);
        _incoming.Remove(vm);
        return await OnHypervisor(() =>
        {
            Networks.VeNetworkAttacher.EnsureFor(Connection, transfer.DomainXml);
            if (transfer.SavedState is null)
            {
                using var defined = Connection.DefineDomain(transfer.DomainXml);
                return VmState.Stopped == transfer.WasState ? VmState.Stopped : VmState.Defined;
            }
            // Defined first, so the restored domain is persistent here: a restore alone gives a transient domain
            // that vanishes at its first shutdown.
            Connection.DefineDomain(transfer.DomainXml).Dispose();
            var file = hypervisors.StateFile(id.DomainName);
            try
            {
                File.WriteAllBytes(file, transfer.SavedState);
                Connection.RestoreDomain(file);
            }
            finally
            {
                File.Delete(file);
            }
            using var domain = Connection.LookupDomain(id.DomainName);
            // A saved domain comes back running; a suspended VM goes back to sleep.
            if (transfer.WasState == VmState.Suspended)
                domain.Suspend();
            return ToVmState(domain.GetInfo().State);
        });
    }

    /// <inheritdoc />
    public async Task<ImageDetails> SnapshotAsync(string vm, string image, string owner)
    {
        var id = RequireVm(vm);
        var file = hypervisors.StateFile($"{id.DomainName}-snapshot");
        try
        {
            await OnHypervisor(() =>
            {
                using var domain = Connection.LookupDomain(id.DomainName);
                var was = ToVmState(domain.GetInfo().State);
                if (was is not (VmState.Running or VmState.Suspended))
                    throw new VmTransitionException($"VM {vm} is {was} on node {Id}: only a running or sleeping VM has a state to snapshot");
                // libvirt saves a domain by stopping it; it runs on from the file at once, asleep again if it slept.
                domain.Save(file);
                Connection.RestoreDomain(file);
                if (was == VmState.Suspended)
                {
                    using var restored = Connection.LookupDomain(id.DomainName);
                    restored.Suspend();
                }
            });
            return await ImageDelivery.StoreFileAsync(GrainFactory, file, image, SnapshotFormat, owner, Id.Site);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <inheritdoc />
    public async Task<VmState> RestoreSnapshotAsync(string vm, string image)
    {
        var id = RequireVm(vm);
        var file = await images.FetchFileAsync(GrainFactory, Id, image);
        try
        {
            return await OnHypervisor(() =>
            {
                using var defined = Connection.LookupDomain(id.DomainName);
                if (ToVmState(defined.GetInfo().State) is VmState.Running or VmState.Suspended)
                    throw new VmTransitionException($"VM {vm} already runs on node {Id}: a snapshot restores a VM that does not");
                Connection.RestoreDomain(file, defined.GetXml());
                using var restored = Connection.LookupDomain(id.DomainName);
                return ToVmState(restored.GetInfo().State);
            });
        }
        finally
        {
            File.Delete(file); // the node's copy; the snapshot stays in the chunk stores
        }
    }

    /// <summary>The format of a snapshot image: a domain state saved by libvirt.</summary>
    public const string SnapshotFormat = "libvirt-save";

    /// <inheritdoc />
    public async Task<bool> TryMigrateLiveAsync(string vm, string targetUri)
    {
        var id = RequireVm(vm);
        return await OnHypervisor(() =>
        {
            var target = hypervisors.Connect(targetUri);
            if (!Connection.SupportsMigration || !target.SupportsMigration)
                return false;
            using var domain = Connection.LookupDomain(id.DomainName);
            Networks.VeNetworkAttacher.EnsureFor(target, domain.GetXml());
            domain.Migrate(target);
            return true;
        });
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == WakeUpReminder && (state.State.Spec is null || state.State.Status == NodeStatus.Down))
        {
            await this.TryUnregisterAsync(WakeUpReminder, logger); // left behind by a node that left
            return;
        }
        // The timer reconciles an active agent; the reminder only makes up for one that was not active.
        if (reminderName == WakeUpReminder && (_lastReconciled is not { } last || time.GetUtcNow() - last > options.Value.ReconcileInterval))
            await ReconcileAsync();
    }

    /// <inheritdoc />
    public async Task<int> ReconcileAsync()
    {
        if (state.State.Spec is null || _uri is null || state.State.Status == NodeStatus.Down)
            return 0;
        _lastReconciled = time.GetUtcNow();
        var recorded = await FenceAsync();
        var lost = new List<(string Vm, string Reason)>();
        var drifted = new List<string>();
        var vms = state.State.Vms.Keys.ToList(); // grain state is only readable on the grain's own thread
        try
        {
            await OnHypervisor(() =>
            {
                foreach (var vm in vms)
                {
                    using var domain = Connection.TryLookupDomain(VmId.Parse(vm).DomainName);
                    var observed = domain is null ? (DomainState?)null : domain.GetInfo().State;
                    if (observed is null)
                        lost.Add((vm, "its domain disappeared from the hypervisor"));
                    else if (observed == DomainState.Crashed)
                        lost.Add((vm, "its domain crashed"));
                    else if (recorded.GetValueOrDefault(vm) is VmState.Running or VmState.Suspended && ToVmState(observed.Value) is var now
                             && now is VmState.Running or VmState.Suspended && now != recorded[vm])
                        drifted.Add(vm);
                }
            });
        }
        catch (HypervisorException e)
        {
            if (++_failedChecks < options.Value.FailedChecksBeforeLost)
            {
                logger.LogWarning("Node {Node}: hypervisor unreachable ({Count} of {Limit} checks before the node is lost): {Reason}",
                    Id, _failedChecks, options.Value.FailedChecksBeforeLost, e.Message);
                return 0;
            }
            await LoseAsync($"its hypervisor could not be reached {_failedChecks} times in a row: {e.Message}");
            return vms.Count;
        }
        _failedChecks = 0;
        // Running where the record says suspended, or the other way round: the VM asks again and records what it finds.
        foreach (var vm in drifted)
            ReportDriftAsync(vm).Ignore();
        // Reported without waiting: the VM grain may itself be waiting on this agent (an operation in flight), and
        // waiting here would hold both until the response timeout.
        foreach (var (vm, reason) in lost)
        {
            logger.LogWarning("Node {Node}: VM {Vm} is lost: {Reason}", Id, vm, reason);
            ReportLostAsync(vm, reason).Ignore();
        }
        return lost.Count;
    }

    /// <inheritdoc />
    public async Task FailAsync()
    {
        RequireRegistered();
        if (state.State.Status == NodeStatus.Down)
            return;
        hypervisors.PowerOff(_uri!);
        await LoseAsync("its host was powered off on purpose (a simulated failure)");
    }

    // The node is gone with its VMs: placement passes it by from now on, and every VE with a VM here restarts its
    // protected VMs elsewhere. The site runs the recovery without this agent waiting for it: it calls VE and VM grains
    // that may be waiting on this agent.
    private async Task LoseAsync(string reason)
    {
        logger.LogError("Node {Node} is lost: {Reason}", Id, reason);
        state.State.Status = NodeStatus.Down;
        await state.WriteStateAsync();
        var spec = state.State.Spec!;
        await SiteRegistry.ReportLoadAsync(new NodeLoad(Id.ToString(), NodeStatus.Down, spec.Capacity, NodeCapacity.Allocated(state.State.Vms.Values)));
        await this.PublishAsync(new NodeUnreachable(Id.Site, time.GetUtcNow(), Id.ToString(), reason), logger);
        await this.PublishAsync(new NodeStatusChanged(Id.Site, time.GetUtcNow(), Id.ToString(), NodeStatus.Down), logger);
        // Recorded by the site before anything is recovered, and recovered by it until done, whatever dies meanwhile.
        await GrainFactory.GetGrain<ISiteRecoveryGrain>(Id.Site).RecoverLostNodesAsync($"node {Id} at {time.GetUtcNow():O}", [Id.ToString()], $"node {Id} was lost: {reason}");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<HypervisorDomain>> GetDomainsAsync()
    {
        if (state.State.Spec is null || _uri is null)
            return [];
        return await OnHypervisor<IReadOnlyList<HypervisorDomain>>(() =>
        {
            var domains = Connection.ListAllDomains();
            try
            {
                return domains.Select(d => new HypervisorDomain(d.Name, ToVmState(d.GetInfo().State))).ToList();
            }
            finally
            {
                foreach (var domain in domains)
                    domain.Dispose();
            }
        });
    }

    private async Task ReportDriftAsync(string vm)
    {
        try
        {
            await GrainFactory.GetGrain<IVmGrain>(vm).ReconcileStateAsync(Id.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Node {Node}: could not report VM {Vm}'s state; the next reconciliation reports it again", Id, vm);
        }
    }

    private async Task ReportLostAsync(string vm, string reason)
    {
        try
        {
            await GrainFactory.GetGrain<IVmGrain>(vm).ReportFailureAsync(Id.ToString(), reason);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Node {Node}: could not report VM {Vm} lost; the next reconciliation reports it again", Id, vm);
        }
    }

    // A VM restarted elsewhere while this node was cut off is recorded on its new node: the copy here is an older
    // generation and is destroyed, never resumed, so one VM never runs twice. A VM being migrated is recorded on one
    // end while both hold it: that is no stale copy. A VM whose record is gone (its VE was deleted while this node was
    // unreachable) is released too, or its reservation would hold the node's capacity for ever.
    // The records are read all at once: one round trip holds the agent, not one per VM.
    // Returns the recorded state of every VM that lives here.
    private async Task<Dictionary<string, VmState>> FenceAsync()
    {
        var recorded = new Dictionary<string, VmState>(StringComparer.Ordinal);
        var suspects = new HashSet<string>(StringComparer.Ordinal);
        var records = await Task.WhenAll(state.State.Vms.Keys.Select(vm => GrainFactory.GetGrain<IVmGrain>(vm).GetInfoAsync()));
        foreach (var info in records)
        {
            var (vm, owner) = (info.Id, info.Node);
            if (owner == Id.ToString())
                recorded[vm] = info.State;
            // A standby copy's reservation is the VM's too (ha: replica): kept while the record names this node so.
            if (owner == Id.ToString() || info.State == VmState.Migrating || info.Standby == Id.ToString())
                continue;
            // Released only when seen so twice in a row: a VM being defined is admitted here a moment before its
            // record names this node, and one migrating here a moment before its record says Migrating.
            if ((owner is null || _incoming.Contains(vm)) && suspects.Add(vm) && !_suspects.Contains(vm))
                continue;
            logger.LogWarning("Node {Node}: VM {Vm} {Where}; destroying the stale copy here", Id, vm, owner is null ? "has no record any more" : $"now lives on {owner}");
            try
            {
                await EvictAsync(vm);
            }
            catch (HypervisorException e)
            {
                // Destroyed at the next check; the check of the hypervisor itself, which follows, counts the failure.
                logger.LogWarning("Node {Node}: the stale copy of VM {Vm} could not be destroyed yet: {Reason}", Id, vm, e.Message);
                continue;
            }
            await this.PublishAsync(new VmFenced(Id.Site, time.GetUtcNow(), vm, Id.ToString(), owner ?? "nowhere"), logger);
        }
        _suspects = suspects;
        return recorded;
    }

    // One-way: the site's view may lag, never the node's own accounting, which alone decides admissions.
    private void ReportLoad()
    {
        if (state.State.Spec is { } spec)
            SiteRegistry.ReportLoadAsync(new NodeLoad(Id.ToString(), state.State.Status, spec.Capacity, NodeCapacity.Allocated(state.State.Vms.Values))).Ignore();
    }

    private INodeLocalityGrain Locality => GrainFactory.GetGrain<INodeLocalityGrain>(Id.ToString());

    // The node's cooperative scheduler watches its load, when scheduling is on.
    private void StartScheduler()
    {
        if (scheduling.Value.Enabled)
            GrainFactory.GetGrain<Abstractions.Scheduling.ISchedulerGrain>(Id.ToString()).StartAsync().Ignore();
    }

    private ISiteGrain SiteRegistry => GrainFactory.GetGrain<ISiteGrain>(Id.Site);

    private LibvirtConnection Connection => hypervisors.Connect(_uri ?? throw new InvalidOperationException($"node {Id} is not registered"));

    private NodeSpec RequireRegistered() =>
        state.State.Spec ?? throw new InvalidOperationException($"node {Id} is not registered: register it with its CPUs and memory first");

    private VmId RequireVm(string vm)
    {
        var id = VmId.Parse(vm);
        RequireRegistered();
        return state.State.Vms.ContainsKey(vm) ? id : throw new VmTransitionException($"VM {vm} is not on node {Id}");
    }

    // In the background, on a timer that interleaves: a reminder service still loading makes each registration wait up
    // to 20 s before it refuses, and a node must neither answer its registration that late nor stop answering calls
    // meanwhile (10,000 agents registering on 100 silos waited exactly that). Tried again every reconciliation interval.
    private void RegisterWakeUpReminder() =>
        _wakeUpRegistration ??= this.RegisterGrainTimer(async () =>
        {
            if (state.State.Status == NodeStatus.Down || await this.TryRegisterAsync(WakeUpReminder, WakeUpPeriod, logger))
            {
                _wakeUpRegistration?.Dispose();
                _wakeUpRegistration = null;
            }
        }, new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.ReconcileInterval) { Interleave = true, KeepAlive = true });

    private void StartReconciling() =>
        this.RegisterGrainTimer(async _ => { await ReconcileAsync(); ReportLoad(); }, new GrainTimerCreationOptions(options.Value.ReconcileInterval, options.Value.ReconcileInterval) { KeepAlive = true });

    private NodeInfo Info()
    {
        var allocated = NodeCapacity.Allocated(state.State.Vms.Values);
        return new NodeInfo(Id, state.State.Spec, topology.LocalSilo.ToParsableString(), topology.LocalSite,
            state.State.Status, _uri, allocated.Vcpus, allocated.MemoryMiB, state.State.Vms.Keys.Order().ToList(), allocated.DiskGiB);
    }

    // The UUID is the VM's, on every node it is defined on: a state saved on one node (a snapshot) restores over the
    // domain defined for it on another, which libvirt refuses when their UUIDs differ.
    private static DomainSpec ToDomainSpec(VmId id, VmSpec spec, (string Path, DiskFormat Format)? disk = null) =>
        new(id.DomainName, spec.Vcpus, spec.MemoryMiB, DiskImage: disk?.Path, DiskFormat: disk?.Format ?? DiskFormat.Qcow2, Uuid: UuidOf(id));

    private static Guid UuidOf(VmId id)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id.Value)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // name-based (version 5 layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    private static bool AlreadyDone(VmOperation operation, VmState current) => (operation, current) switch
    {
        (VmOperation.Start or VmOperation.Resume, VmState.Running) => true,
        (VmOperation.Suspend, VmState.Suspended) => true,
        (VmOperation.Stop, VmState.Stopped) => true,
        _ => false,
    };

    private static VmState ToVmState(DomainState state) => state switch
    {
        DomainState.Running or DomainState.Blocked => VmState.Running,
        DomainState.Paused or DomainState.PMSuspended => VmState.Suspended,
        DomainState.Shutdown or DomainState.Shutoff => VmState.Stopped,
        DomainState.Crashed => VmState.Failed,
        _ => VmState.Defined,
    };

    // libvirt calls block; on a real host a shutdown or a save takes seconds, so they run off the grain's thread.
    // Failures come back as HypervisorException carrying libvirt's own message, which crosses the wire to callers.
    private async Task<T> OnHypervisor<T>(Func<T> call)
    {
        try
        {
            return await Task.Run(call);
        }
        catch (LibvirtException e)
        {
            throw new HypervisorException($"node {Id}: {e.Message}");
        }
    }

    private Task OnHypervisor(Action call) => OnHypervisor(() => { call(); return true; });
}
