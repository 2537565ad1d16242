using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Discovery.Grains.Reliability;

/// <summary>What a watcher keeps: the generation it watches, and what it last found.</summary>
[GenerateSerializer, Alias("discovery.vm-watch")]
public sealed class VmWatchRecord
{
    /// <summary>The VM's generation watched on the key's node; null: watching nothing.</summary>
    [Id(0)] public long? Generation { get; set; }

    /// <summary>Since when that generation is watched.</summary>
    [Id(1)] public DateTimeOffset Since { get; set; }

    /// <summary>When and why the watcher last reported the VM lost; null: never.</summary>
    [Id(2)] public string? LastReport { get; set; }
}

/// <summary>
/// The watcher of one protected VM on one node (see <see cref="IVmWatcherGrain"/>). It lives on a silo of the node's
/// site, not in the node's agent, so a host that crashes or a hypervisor that stops answering does not take it along;
/// if its silo dies, its reminder brings it back (on the nearest site while its own has no silo up), and the site's
/// recovery of the dead silo's nodes runs meanwhile. Restart or promotion happens once per generation whoever reports
/// first (this watcher, the node agent's reconciliation, the site): the VM records itself Failed once for a
/// generation, its VE restarts a VM only while its record places the VM on the lost node, and the restart moves the
/// VM to a new generation, which a node coming back with the old copy destroys rather than resumes.
/// </summary>
[PreferSitePlacement]
public sealed class VmWatcherGrain(
    [PersistentState("watch", StorageNames.State)] IPersistentState<VmWatchRecord> record,
    IOptions<WatchOptions> options,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<VmWatcherGrain> logger) : Grain, IVmWatcherGrain, IRemindable
{
    // Brings the watcher back after its silo restarted; the timer does the watching while it is active.
    private const string Reminder = "watch";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private VmWatchRecord R => record.State;

    private (string Node, string Vm) Key => VmWatcherKeys.Parse(this.GetPrimaryKeyString());

    private WatchOptions O => options.Value;

    private IGrainTimer? _probe;
    private bool _reminderSet;
    private string? _agentSilo;              // the silo that last answered for the node's agent
    private DateTimeOffset? _unreachableSince; // since when the agent or its hypervisor does not answer
    private int _unhealthy;                   // probes in a row that found the domain gone or crashed
    private int _failedSeen;                  // probes in a row that found the VM's record Failed

    /// <inheritdoc />
    public async Task WatchAsync(long generation)
    {
        if (R.Generation is { } watched && watched >= generation)
        {
            StartProbing();
            return;
        }
        R.Generation = generation;
        R.Since = time.GetUtcNow();
        ResetFindings();
        if (!await WriteAsync())
            return;
        StartProbing();
        // With the record, so a silo that dies before the first look still brings the watcher back; the looks retry.
        _reminderSet = _reminderSet || await this.TryEnsureAsync(Reminder, ReminderPeriod, logger);
        logger.LogInformation("Watching VM {Vm} (generation {Generation}) on {Node}", Key.Vm, generation, Key.Node);
    }

    /// <inheritdoc />
    public async Task StopAsync(long generation)
    {
        if (R.Generation is { } watched && watched > generation)
            return;
        // Stops are one-way and may come late: one from an earlier stay of the VM on this node must not end the watch
        // of its stay now (moves keep the generation). The VM's record decides; unanswered, the next look does.
        if (R.Generation is not null)
        {
            var info = await RecordOfVmAsync();
            if (info is null || !Elsewhere(info))
            {
                logger.LogInformation("Watcher of {Vm} on {Node}: told to stop, but the VM's record {Why}; it keeps watching",
                    Key.Vm, Key.Node, info is null ? "did not answer" : "has it here");
                return;
            }
        }
        await RetireAsync();
    }

    /// <inheritdoc />
    public Task<VmWatchInfo?> GetWatchAsync() => Task.FromResult(R.Generation is { } generation
        ? new VmWatchInfo(Key.Node, Key.Vm, generation, R.Since, R.LastReport)
        : null);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (R.Generation is null)
            await RetireAsync();
        else
            StartProbing();
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (R.Generation is not null)
            StartProbing();
        return base.OnActivateAsync(cancellationToken);
    }

    private void StartProbing() =>
        _probe ??= this.RegisterGrainTimer(ProbeAsync, new GrainTimerCreationOptions(O.Interval, O.Interval) { KeepAlive = true });

    private void ResetFindings() => (_unreachableSince, _unhealthy, _failedSeen) = (null, 0, 0);

    private async Task RetireAsync()
    {
        _probe?.Dispose();
        _probe = null;
        if (record.RecordExists && !await StoreAsync(record.ClearStateAsync))
            return;
        await this.TryUnregisterAsync(Reminder, logger); // if refused, its next tick finds nothing watched and retires it again
        _reminderSet = false;
        DeactivateOnIdle();
    }

    private async Task ProbeAsync()
    {
        if (R.Generation is not { } generation)
            return;
        if (!_reminderSet)
            _reminderSet = await this.TryEnsureAsync(Reminder, ReminderPeriod, logger);
        var (node, vm) = Key;
        var grain = GrainFactory.GetGrain<IVmGrain>(vm);
        if (await RecordOfVmAsync() is not { } info)
            return;
        if (Elsewhere(info))
        {
            // Deleted, or moved to another node, whose watcher it told.
            logger.LogInformation("VM {Vm} is not on {Node} any more ({State} on {Where}); its watcher there stops", vm, node, info.State, info.Node ?? "no node");
            await RetireAsync();
            return;
        }
        if (info.Generation > generation)
        {
            // Restarted on this same node as a newer generation (its message saying so may have been lost).
            await WatchAsync(info.Generation);
            return;
        }
        if (info.State == VmState.Failed)
        {
            await RemindVeAsync(info, node);
            return;
        }
        _failedSeen = 0;
        if (info.State is not (VmState.Running or VmState.Suspended))
        {
            ResetFindings(); // defined, stopped or migrating: no domain is expected to run
            return;
        }
        if (await LossAsync(node, VmId.Parse(vm).DomainName) is { } loss)
            await ReportAsync(grain, node, generation, loss.Cause, loss.Reason);
    }

    // The VM's record; null when its grain does not answer in time (busy with a long operation, its silo dying), which
    // says nothing about its node.
    private async Task<VmInfo?> RecordOfVmAsync()
    {
        try
        {
            return await GrainFactory.GetGrain<IVmGrain>(Key.Vm).GetInfoAsync().WaitAsync(O.CallTimeout);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug("Watcher of {Vm} on {Node}: its record did not answer: {Reason}", Key.Vm, Key.Node, e.Message);
            return null;
        }
    }

    // Deleted, or on another node (whose watcher it told).
    private bool Elsewhere(VmInfo info) => info.State == VmState.None || info.Node != Key.Node;

    // Why the VM is lost on its node, or null while it is not (or not yet).
    private async Task<(string Cause, string Reason)?> LossAsync(string node, string domain)
    {
        var agent = GrainFactory.GetGrain<INodeGrain>(node);
        try
        {
            var info = await agent.GetInfoAsync().WaitAsync(O.CallTimeout);
            _agentSilo = info.HostSilo;
            if (info.Status == NodeStatus.Down)
                return ("node-down", $"node {node} was declared lost");
            var domains = await agent.GetDomainsAsync().WaitAsync(O.CallTimeout);
            _unreachableSince = null;
            var state = domains.FirstOrDefault(d => d.Name == domain)?.State;
            if (state is not (null or VmState.Failed))
            {
                _unhealthy = 0;
                return null;
            }
            // Seen twice in a row: once may be the moment a restart or a migration swaps the domain.
            if (++_unhealthy < 2)
                return null;
            return ("crashed", state is null ? $"its domain is gone from the hypervisor of {node}" : $"libvirt reports its domain crashed on {node}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var now = time.GetUtcNow();
            _unreachableSince ??= now;
            if (_agentSilo is { } silo && membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead)
                return ("dead-silo", $"silo {silo}, which ran the agent of {node}, was declared dead");
            if (now - _unreachableSince.Value >= O.UnreachableFor)
                return ("unreachable", $"the agent of {node} has not answered for {(now - _unreachableSince.Value).TotalSeconds:0} s ({e.Message})");
            return null;
        }
    }

    // The VM asks its node once more before it records itself failed; then its VE restarts or promotes it.
    private async Task ReportAsync(IVmGrain vm, string node, long generation, string cause, string reason)
    {
        logger.LogWarning("Watcher of VM {Vm}: generation {Generation} is lost on {Node}: {Reason}", Key.Vm, generation, node, reason);
        DiscoveryMetrics.WatcherTriggered(cause);
        R.LastReport = $"{time.GetUtcNow():O}: {reason}";
        if (!await WriteAsync())
            return;
        ResetFindings();
        await vm.ReportFailureAsync(node, $"its watcher found that {reason}");
    }

    // Retried through a database restart (DurableRecord); false when this activation is a stale twin.
    private Task<bool> WriteAsync() => StoreAsync(() => DurableRecord.WriteAsync(record, DeactivateOnIdle, logger, $"watcher {this.GetPrimaryKeyString()}"));

    // Orleans' default directory may briefly keep two activations of a watcher while silos die: the one whose write
    // is refused (the other wrote since) is the stale one, and goes (chaos suite); the other keeps watching.
    private async Task<bool> StoreAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (InconsistentStateException e)
        {
            logger.LogWarning("Watcher {Watcher}: another activation wrote its record since ({Reason}); this one stops", this.GetPrimaryKeyString(), e.Message);
            _probe?.Dispose();
            _probe = null;
            DeactivateOnIdle();
            return false;
        }
    }

    // A VM failed on this node: it told its VE, one-way. If that message was lost (the VE's silo died), the VE never
    // restarts it; telling it again is harmless, since a VE acts only on a VM its record still has on this node and
    // that is not waiting for capacity already.
    private async Task RemindVeAsync(VmInfo info, string node)
    {
        if (++_failedSeen < 3)
            return;
        _failedSeen = 0;
        var id = VmId.Parse(info.Id);
        if (id.Ve is { } ve)
            await GrainFactory.GetGrain<IVeRecoveryGrain>(ve).VmFailedAsync(id.Name, node, info.Failure ?? "it failed");
    }
}
