using Discovery.Abstractions.Events;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Diagnostics;
using Discovery.Grains.Events;
using Discovery.Grains.Reliability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.VirtualMachines;

/// <summary>
/// One VM: where it is and in which state. The node agents do the work on their hypervisors; this grain checks that
/// each operation is legal first and records the state the hypervisor reported after.
/// </summary>
public sealed class VmGrain(
    [PersistentState("vm", StorageNames.State)] IPersistentState<VmRecord> record,
    IOptions<WatchOptions> watchOptions,
    TimeProvider time,
    ILogger<VmGrain> logger) : Grain, IVmGrain, IVmRecoveryGrain
{
    private VmId Id => VmId.Parse(this.GetPrimaryKeyString());

    private VmRecord R => record.State;

    /// <inheritdoc />
    public async Task<VmInfo> DefineAsync(VmSpec spec, string node)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } problem)
            throw new ArgumentException($"VM {Id}: {problem}", nameof(spec));
        var nodeId = NodeId.Parse(node);
        if (R.State != VmState.None)
        {
            if (R.Spec == spec && R.Node == nodeId.ToString())
                return Info();
            throw new VmTransitionException($"VM {Id} is already defined on node {R.Node} ({R.State}); delete it first");
        }

        await Node(nodeId.ToString()).AdmitAsync(Id.Value, spec);
        R.Spec = spec;
        R.Node = nodeId.ToString();
        await RecordAsync(VmState.Defined, "defined");
        return Info();
    }

    /// <inheritdoc />
    public Task<VmInfo> StartAsync() => OperateAsync(VmOperation.Start);

    /// <inheritdoc />
    public Task<VmInfo> SuspendAsync() => OperateAsync(VmOperation.Suspend);

    /// <inheritdoc />
    public Task<VmInfo> ResumeAsync() => OperateAsync(VmOperation.Resume);

    /// <inheritdoc />
    public Task<VmInfo> StopAsync(bool force = false) => OperateAsync(VmOperation.Stop, force);

    /// <inheritdoc />
    public async Task<VmInfo> MigrateAsync(string targetNode)
    {
        await SettleInterruptedMigrationAsync();
        Require(VmOperation.Migrate);
        var target = NodeId.Parse(targetNode).ToString();
        if (target == R.Node)
            return Info();
        if (R.Standby == target)
        {
            // Moving onto its own standby: that reservation becomes the move's; the VE chooses another standby.
            R.Standby = null;
            await WriteRecordAsync();
        }
        var source = Node(R.Node!);
        var destination = Node(target);
        var spec = R.Spec!;
        var before = R.State;

        // Reserve on the target first: if it is full, nothing has moved yet.
        await destination.AdmitAsync(Id.Value, spec, defineDomain: false);
        try
        {
            R.MigratingTo = target;
            await RecordAsync(VmState.Migrating, $"to {target}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing has moved: the target's reservation goes (or its reconciliation fences it), the VM stays.
            R.MigratingTo = null;
            await ReleaseAsync(destination, target);
            throw;
        }
        MigrationKind kind;
        VmState after;
        try
        {
            var targetUri = (await destination.GetInfoAsync()).LibvirtUri!;
            if (before is VmState.Running && await source.TryMigrateLiveAsync(Id.Value, targetUri))
                (kind, after) = (MigrationKind.Live, VmState.Running);
            else
                (kind, after) = (MigrationKind.Cold, await ColdMoveAsync(source, destination));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing runs on the target: release it (a target whose hypervisor failed is fixed by its reconciliation),
            // and the VM is where it was.
            await ReleaseAsync(destination, target);
            R.MigratingTo = null;
            await RecordAsync(before, $"migration to {target} failed: {e.Message}");
            throw;
        }

        var from = R.Node!;
        R.Node = target;
        R.MigratingTo = null;
        R.LastMigration = kind;
        DiscoveryMetrics.Migrated(kind);
        await RecordAsync(after, $"{kind.ToString().ToLowerInvariant()} migration from {from}");
        logger.LogInformation("VM {Vm} moved from {From} to {Node} ({Kind})", Id, from, target, kind);
        await ReleaseAsync(source, from);
        return Info();
    }

    // Gives back the reservation a node holds for this VM, which no longer runs there (the source of a move, the target
    // of one that failed). A node that fails to release it is fixed by its reconciliation, never by moving the VM.
    private async Task ReleaseAsync(INodeGrain holder, string node)
    {
        try
        {
            await holder.EvictAsync(Id.Value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "VM {Vm} left node {Node}, which could not release its reservation", Id, node);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        if (R.State == VmState.None)
            return;
        await SettleInterruptedMigrationAsync();
        Require(VmOperation.Delete);
        var (node, standby, site, from, snapshot, watched, generation) =
            (R.Node, R.Standby, SiteOfNode(), R.State, R.Snapshot, R.Protected ? R.Node : null, R.Generation);
        // The record goes first: a reservation left behind by a node that cannot release it now is fenced by that
        // node (a VM without a record), while a record left behind by a failed write would name a node that no longer
        // holds the VM (chaos suite: released, then the database restarted before the record was cleared).
        await record.ClearStateAsync();
        if (node is not null)
            await ReleaseAsync(Node(node), node);
        if (standby is not null)
            await ReleaseAsync(Node(standby), standby);
        if (watched is not null)
            await TellWatcherAsync(watched, w => w.StopAsync(generation));
        if (snapshot is not null)
            await DeleteSnapshotAsync(snapshot.Image);
        await this.PublishAsync(new VmStateChanged(site, time.GetUtcNow(), Id.Value, null, from, VmState.None, "deleted"), logger);
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public Task<VmInfo> GetInfoAsync() => Task.FromResult(Info());

    /// <inheritdoc />
    public async Task<VmInfo> SetCpuDemandAsync(double? vcpus)
    {
        if (vcpus is { } v && (!double.IsFinite(v) || v < 0 || R.Spec is { } spec && v > spec.Vcpus))
            throw new ArgumentOutOfRangeException(nameof(vcpus), vcpus, $"VM {Id}: a CPU demand is between 0 and its {R.Spec?.Vcpus} vCPUs");
        R.CpuDemand = vcpus;
        await record.WriteStateAsync();
        return Info();
    }

    /// <inheritdoc />
    public async Task ReportFailureAsync(string node, string reason)
    {
        // The source of an interrupted cold migration has no domain any more: that is no loss if the target has it.
        await SettleInterruptedMigrationAsync();
        // A report from a node the VM already left is stale.
        if (R.Node != node || R.State is VmState.Failed or VmState.None)
            return;
        // So is a report that waited behind an operation which put the domain there since: a node that found no
        // domain while a cold migration to it was in flight reported the VM lost, and the report arrived once the
        // VM ran there (found by the chaos suite). Ask the node again before failing a VM.
        if (await StillOnHypervisorAsync(node))
        {
            logger.LogInformation("VM {Vm}: a report from {Node} that it was lost is stale: its domain is there", Id, node);
            return;
        }
        R.Failure = reason;
        await RecordAsync(VmState.Failed, reason);
        // Its VE decides whether it comes back (HA restart): a crashed domain is a failure the VM must survive too.
        if (Id.Ve is { } ve)
            await GrainFactory.GetGrain<IVeRecoveryGrain>(ve).VmFailedAsync(Id.Name, node, reason);
    }

    /// <inheritdoc />
    public async Task<VmInfo> RestartOnAsync(string node, string reason)
    {
        var spec = R.Spec ?? throw new VmTransitionException($"VM {Id} is not defined: there is nothing to restart");
        var target = NodeId.Parse(node).ToString();
        var lost = R.Node;
        // The lost node is back (its silo was started again) and placement chose it: its hypervisor lost the domain,
        // its agent still holds the reservation. Restarting there is a new generation too. Refusing it kept the VM
        // waiting for capacity for ever, since placement kept choosing that node (found by the chaos suite).
        if (target == R.Node)
            await Node(target).EvictAsync(Id.Value);
        // Lost in the middle of a migration: the node it was going to holds a reservation (maybe a copy) to give back.
        if (R.MigratingTo is { } pending && pending != target)
            await ReleaseAsync(Node(pending), pending);
        R.MigratingTo = null;
        var wasStopped = R.State is VmState.Stopped or VmState.Defined && !R.StartPending; // Defined by an unfinished restart: to start
        // Admission defines a fresh domain from the spec (pulling the image to the node's site if needed); the record
        // moves to the new node with a new generation before anything runs there, which fences the lost copy.
        await Node(target).AdmitAsync(Id.Value, spec);
        R.Node = target;
        R.Generation++;
        R.LastMigration = null;
        R.StartPending = !wasStopped;
        R.RestoredFrom = null;
        if (R.Standby == target)
            R.Standby = null; // promoted: its reservation there is now the VM's own
        await RecordAsync(VmState.Defined, $"generation {R.Generation} on {target} after {lost} was lost: {reason}");
        if (wasStopped)
            return Info();
        var (observed, from) = await StartAfterLossAsync(target);
        R.RestoredFrom = from;
        await RecordAsync(observed, $"restarted on {target} (generation {R.Generation}) after {lost} was lost, {(from is null ? "from its image" : $"from snapshot {from}")}");
        logger.LogWarning("VM {Vm} restarted on {Node} (generation {Generation}) after {Lost} was lost: {Reason}", Id, target, R.Generation, lost, reason);
        return Info();
    }

    // From the latest snapshot when there is one; from the image when there is none or it cannot be restored (its
    // chunks are out of reach, libvirt refuses it): the VM runs again either way, losing less with a snapshot.
    private async Task<(VmState State, string? Snapshot)> StartAfterLossAsync(string target)
    {
        if (R.Snapshot is { } snapshot)
        {
            try
            {
                return (await Node(target).RestoreSnapshotAsync(Id.Value, snapshot.Image), snapshot.Image);
            }
            catch (Exception e) when (e is HypervisorException or ImageOperationException or ChunkUnavailableException or VmTransitionException)
            {
                logger.LogWarning("VM {Vm}: snapshot {Snapshot} could not be restored on {Node} ({Reason}); starting it from its image", Id, snapshot.Image, target, e.Message);
            }
        }
        return (await Node(target).OperateAsync(Id.Value, VmOperation.Start), null);
    }

    /// <inheritdoc />
    public async Task<VmInfo> SnapshotAsync()
    {
        if (R.State is not (VmState.Running or VmState.Suspended) || R.Node is not { } node)
            return Info();
        var taken = time.GetUtcNow();
        var image = SnapshotImageName(taken);
        await Node(node).SnapshotAsync(Id.Value, image, Id.Tenant ?? throw new VmTransitionException($"VM {Id} belongs to no tenant to keep its snapshot"));
        var previous = R.Snapshot;
        R.Snapshot = new VmSnapshot(image, taken, R.Generation);
        await WriteRecordAsync();
        logger.LogInformation("VM {Vm} snapshotted on {Node} as image {Image}", Id, node, image);
        if (previous is not null)
            await DeleteSnapshotAsync(previous.Image);
        if (R.Standby is { } standby)
            await CopySnapshotToAsync(standby);
        return Info();
    }

    /// <inheritdoc />
    public async Task<VmInfo> ProtectAsync()
    {
        if (R.State == VmState.None)
            throw new VmTransitionException($"VM {Id} is not defined: there is nothing to protect");
        if (!R.Protected)
        {
            R.Protected = true;
            await WriteRecordAsync();
        }
        _watched = null; // told again: a one-way message may have been lost
        await KeepWatchedAsync();
        return Info();
    }

    // The node and generation this activation last told a watcher of; null: none yet.
    private (string Node, long Generation)? _watched;

    // A protected VM is watched on the node its record names, for its generation there; the watcher of a node it
    // left stops. One-way messages, sent once the record is durable: a watcher reads the record before it acts, and
    // one that was not told it should stop finds the VM gone from its node on its next look.
    private async Task KeepWatchedAsync()
    {
        CheckWatchedLater();
        if (!R.Protected)
            return;
        (string Node, long Generation)? now = R.State != VmState.None && R.Node is { } node ? (node, R.Generation) : null;
        if (now == _watched)
            return;
        if (_watched is { } before && before.Node != now?.Node)
            await TellWatcherAsync(before.Node, w => w.StopAsync(before.Generation));
        if (now is not { } watch || await TellWatcherAsync(watch.Node, w => w.WatchAsync(watch.Generation)))
            _watched = now;
    }

    private IGrainTimer? _watchCheck;

    // While protected and defined, the VM asks its watcher now and then whether it watches it: what tells a watcher is
    // one-way, and may be lost with a silo or overtaken (chaos suite: a watcher found watching nothing, its VM back on
    // its node after two moves). A lost watcher is told again within CheckEvery.
    private void CheckWatchedLater()
    {
        if (R.Protected && R.State != VmState.None)
        {
            var every = watchOptions.Value.CheckEvery;
            _watchCheck ??= this.RegisterGrainTimer(CheckWatchedAsync, new GrainTimerCreationOptions(every, every) { KeepAlive = true });
            return;
        }
        _watchCheck?.Dispose();
        _watchCheck = null;
    }

    private async Task CheckWatchedAsync()
    {
        if (!R.Protected || R.State == VmState.None || R.Node is not { } node)
            return;
        VmWatchInfo? watch;
        try
        {
            // Answered between the watcher's own calls (it may be waiting on this VM).
            watch = await Watcher(node).GetWatchAsync().WaitAsync(watchOptions.Value.CallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug("VM {Vm}: its watcher on {Node} did not answer: {Reason}", Id, node, e.Message);
            return;
        }
        if (watch?.Generation == R.Generation)
            return;
        logger.LogWarning("VM {Vm}: its watcher on {Node} watches {Watched}, not generation {Generation}; telling it again",
            Id, node, watch is null ? "nothing" : $"generation {watch.Generation}", R.Generation);
        _watched = null;
        await KeepWatchedAsync();
    }

    private IVmWatcherGrain Watcher(string node) => GrainFactory.GetGrain<IVmWatcherGrain>(VmWatcherKeys.Of(node, Id.Value));

    // A watcher out of reach (no silo up to place it) never fails the VM's operation: it is told again later.
    private async Task<bool> TellWatcherAsync(string node, Func<IVmWatcherGrain, Task> tell)
    {
        try
        {
            await tell(Watcher(node));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("VM {Vm}: its watcher on {Node} could not be told: {Reason}", Id, node, e.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<VmInfo> KeepStandbyOnAsync(string? node)
    {
        if (R.Spec is not { } spec)
            throw new VmTransitionException($"VM {Id} is not defined: it has no standby to keep");
        if (node is not null && node == R.Node)
            throw new VmTransitionException($"VM {Id} runs on {node}: its standby must be on another node");
        if (node == R.Standby)
            return Info();
        if (node is not null)
            await Node(node).AdmitAsync(Id.Value, spec, defineDomain: false); // capacity held, no domain until promoted
        var previous = R.Standby;
        R.Standby = node;
        await WriteRecordAsync();
        if (previous is not null && previous != R.Node)
            await Node(previous).EvictAsync(Id.Value);
        if (node is not null)
            await CopySnapshotToAsync(node);
        return Info();
    }

    // The latest snapshot's chunks reach the standby's site as it is taken, so a promotion pulls nothing across the
    // WAN. If the copy fails, a promotion pulls them then, from the nearest replicas.
    private async Task CopySnapshotToAsync(string standby)
    {
        if (R.Snapshot is not { } snapshot)
            return;
        try
        {
            if (await GrainFactory.GetGrain<IImageGrain>(snapshot.Image).GetManifestAsync() is { } manifest)
                await GrainFactory.GetGrain<ISiteChunkStoreGrain>(NodeId.Parse(standby).Site).FetchAsync(manifest.Chunks.Select(c => c.Id).Distinct().ToList(), snapshot.Image);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("VM {Vm}: snapshot {Image} not copied to its standby's site ({Standby}): {Reason}", Id, snapshot.Image, standby, e.Message);
        }
    }

    // An image name from the VM's id (any tenant's characters) and the time: unique, and valid as an image name.
    private string SnapshotImageName(DateTimeOffset taken)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Id.Value)).AsSpan(0, 8));
        return $"snapshot-{hash}-{taken:yyyyMMddHHmmssfff}";
    }

    // A snapshot replaced or left by a deleted VM goes; if that fails it stays listed among the tenant's images, to
    // be deleted like any image, and nothing else depends on it.
    private async Task DeleteSnapshotAsync(string image)
    {
        try
        {
            await GrainFactory.GetGrain<IImageGrain>(image).DeleteAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("VM {Vm}: its old snapshot {Image} could not be deleted: {Reason}", Id, image, e.Message);
        }
    }

    /// <inheritdoc />
    public async Task ReconcileStateAsync(string node)
    {
        await SettleInterruptedMigrationAsync();
        if (R.Node != node || R.State is not (VmState.Running or VmState.Suspended))
            return;
        var observed = await ObservedStateAsync(node);
        if (observed is not (VmState.Running or VmState.Suspended) || observed == R.State)
            return;
        logger.LogWarning("VM {Vm} was recorded {Recorded} on {Node}, whose hypervisor has it {Observed}: recording what the hypervisor reports", Id, R.State, node, observed);
        await RecordAsync(observed.Value, $"reconciled with the hypervisor of {node}");
    }

    // Unreachable (its silo is dead) or without a healthy domain of this VM: lost indeed.
    private async Task<bool> StillOnHypervisorAsync(string node) => Healthy((await DomainOnAsync(node)).State);

    // The state of this VM's domain on the node's hypervisor; null when there is none or the node does not answer.
    private async Task<VmState?> ObservedStateAsync(string node) => (await DomainOnAsync(node)).State;

    private static bool Healthy(VmState? observed) => observed is { } state && state is not (VmState.Failed or VmState.None);

    // Whether the node answered, and the state of this VM's domain there (null: none).
    private async Task<(bool Answered, VmState? State)> DomainOnAsync(string node)
    {
        try
        {
            var domains = await Node(node).GetDomainsAsync();
            return (true, domains.FirstOrDefault(d => d.Name == Id.DomainName)?.State);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (false, null);
        }
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The previous activation may have died before its watcher heard where the VM is: tell it again.
        await KeepWatchedAsync();
        // A migration runs inside one call of one activation: a new activation that reads Migrating was left half-way
        // by a silo that died (found by the chaos suite). It is settled now, not when someone next asks, so the
        // reservation it holds on two nodes goes back and the VE can be operated again. A timer, not this method:
        // the nodes it asks may be waiting on this VM.
        if (R.State == VmState.Migrating)
            _settling = this.RegisterGrainTimer(SettleInterruptedMigrationAsync, new GrainTimerCreationOptions(TimeSpan.Zero, SettleRetry) { KeepAlive = true });
    }

    private static readonly TimeSpan SettleRetry = TimeSpan.FromSeconds(5);
    private IGrainTimer? _settling;
    private bool _settleDeferredLogged;

    // Settles a record left Migrating from where the domain is now. Calls into this grain don't interleave, so no
    // migration is in flight when one runs this. Target has the domain → the move happened: the record follows it
    // and the source is released. Source has it (or the move never reached the target) → the VM stays: the target's
    // reservation goes. Neither has it (the saved memory image died with the silo between export and import) → the
    // VM failed on its source. A node that does not answer leaves it Migrating until a later try.
    private async Task SettleInterruptedMigrationAsync()
    {
        if (R.State != VmState.Migrating)
        {
            StopSettling();
            return;
        }
        var source = R.Node!;
        var target = R.MigratingTo;
        var onTarget = target is null ? (Answered: true, State: null) : await DomainOnAsync(target);
        var onSource = await DomainOnAsync(source);
        // A live migration that did not finish leaves the source running, maybe beside a paused copy on the target.
        var sourceRuns = onSource.State is VmState.Running or VmState.Suspended;
        if (target is not null && Healthy(onTarget.State) && !sourceRuns)
        {
            R.Node = target;
            R.MigratingTo = null;
            await RecordAsync(onTarget.State!.Value, $"migration from {source} completed after its silo died half-way");
            logger.LogWarning("VM {Vm}: an interrupted migration from {Source} to {Target} had moved it; recorded on {Target}", Id, source, target, target);
            await ReleaseAsync(Node(source), source);
        }
        else if (onTarget.Answered && Healthy(onSource.State))
        {
            R.MigratingTo = null;
            await RecordAsync(onSource.State!.Value, $"migration to {target} interrupted before it moved");
            logger.LogWarning("VM {Vm}: an interrupted migration to {Target} had not moved it; it stays on {Source}", Id, target, source);
            if (target is not null)
                await ReleaseAsync(Node(target), target);
        }
        else if (onTarget.Answered && onSource.Answered)
        {
            R.MigratingTo = null;
            R.Failure = $"lost during a migration to {target}: its silo died between saving it on {source} and restoring it there";
            await RecordAsync(VmState.Failed, R.Failure);
            logger.LogError("VM {Vm}: {Failure}", Id, R.Failure);
            if (target is not null)
                await ReleaseAsync(Node(target), target);
        }
        else
        {
            if (!_settleDeferredLogged)
                logger.LogWarning("VM {Vm}: an interrupted migration from {Source} to {Target} waits for both nodes to answer", Id, source, target);
            _settleDeferredLogged = true;
            return;
        }
        StopSettling();
    }

    private void StopSettling()
    {
        _settling?.Dispose();
        _settling = null;
    }

    private async Task<VmInfo> OperateAsync(VmOperation operation, bool force = false)
    {
        await SettleInterruptedMigrationAsync();
        Require(operation);
        var observed = await Node(R.Node!).OperateAsync(Id.Value, operation, force);
        await RecordAsync(observed, operation.ToString().ToLowerInvariant());
        return Info();
    }

    // Cold move: save on the source, restore on the target; if the target cannot restore, put it back on the source.
    private async Task<VmState> ColdMoveAsync(INodeGrain source, INodeGrain destination)
    {
        var transfer = await source.ExportAsync(Id.Value);
        try
        {
            return await destination.ImportAsync(Id.Value, transfer);
        }
        catch
        {
            await source.ImportAsync(Id.Value, transfer);
            throw;
        }
    }

    private void Require(VmOperation operation)
    {
        if (VmTransitions.Refusal(operation, R.State) is { } refusal)
            throw new VmTransitionException($"VM {Id}: {refusal}");
    }

    private async Task RecordAsync(VmState to, string detail)
    {
        var from = R.State;
        R.State = to;
        if (to != VmState.Defined)
            R.StartPending = false; // started, or something else happened to it since
        DiscoveryMetrics.VmStateChanged(from, to);
        if (to != VmState.Failed)
            R.Failure = null;
        await WriteRecordAsync();
        await KeepWatchedAsync();
        await this.PublishAsync(new VmStateChanged(SiteOfNode(), time.GetUtcNow(), Id.Value, R.Node, from, to, detail), logger);
    }

    // Retried through a database restart; if it still fails, this activation goes (DurableRecord).
    private Task WriteRecordAsync() => DurableRecord.WriteAsync(record, DeactivateOnIdle, logger, $"VM {Id}");

    private string SiteOfNode() => R.Node is { } node ? NodeId.Parse(node).Site : "unplaced";

    private INodeGrain Node(string node) => GrainFactory.GetGrain<INodeGrain>(node);

    private VmInfo Info() => new(Id.Value, R.Spec, R.State, R.Node, R.LastMigration, R.Failure, R.CpuDemand, R.Generation, R.Snapshot?.TakenAt, R.RestoredFrom, R.Standby);
}
