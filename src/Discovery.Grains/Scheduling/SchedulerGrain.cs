using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Events;
using Discovery.Scheduling.Energy;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;
using Discovery.Scheduling.Procedures;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Discovery.Grains.Scheduling;

/// <summary>How scheduler grains talk to each other (silo-internal).</summary>
public interface ISchedulerPeerGrain : IGrainWithStringKey
{
    /// <summary>Hands the node one DVMS message from another node.</summary>
    [OneWay]
    Task DeliverAsync(WireMessage message);
}

/// <summary>
/// A node's side of DVMS: samples the node's demand, raises events, and drives the library's
/// <see cref="DvmsNode"/> state machine — sending its messages to other nodes' schedulers, setting its timers, and
/// applying its plans through the VEs (so every constraint is checked once more at the last moment). Reentrant: the
/// state machine is synchronous, so interleaving at awaits never splits one of its steps, and a node applying a plan
/// still answers its peers.
/// </summary>
[SitePlacement, Reentrant]
public sealed class SchedulerGrain(
    SnapshotReader reader,
    IOptions<SchedulerOptions> options,
    TimeProvider time,
    ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain, ISchedulerPeerGrain
{
    private readonly OverloadDetector _detector = new(options.Value.Overload);
    private DvmsNode? _dvms;
    private NodeSnapshot? _snapshot;
    private IGrainTimer? _monitor;
    private int _requests;

    private string Id => this.GetPrimaryKeyString();

    private string Site => NodeId.Parse(Id).Site;

    /// <inheritdoc />
    public async Task StartAsync()
    {
        if (!options.Value.Enabled || _monitor is not null)
            return;
        await EnsureStartedAsync();
        var every = options.Value.MonitorInterval;
        _monitor = this.RegisterGrainTimer(MonitorAsync, new GrainTimerCreationOptions(every, every) { Interleave = true, KeepAlive = true });
    }

    /// <inheritdoc />
    public Task<SchedulerStatus> GetStatusAsync() => Task.FromResult(new SchedulerStatus(
        Id,
        _snapshot?.Node.Load.Cpu ?? 0,
        _snapshot?.Node.Capacity.Cpus ?? 0,
        _dvms?.HeldBy?.ToString(),
        _dvms?.Members ?? [],
        _dvms?.PendingEvent?.ToString()));

    /// <inheritdoc />
    public async Task DeliverAsync(WireMessage message)
    {
        await EnsureStartedAsync();
        // The state machine answers a join with this node's snapshot: it must be as of now, not of the last monitoring
        // tick, or a partition that just moved a VM here would look like free room to the next one.
        await RefreshAsync();
        // A joining node sends its state; the leader reads the constraints of its VMs' VEs itself.
        var snapshot = message.Node is { } node ? await reader.SnapshotAsync(GrainFactory, node.ToDvms()) : null;
        Process(message.ToDvms(snapshot));
    }

    private async Task MonitorAsync()
    {
        await RefreshAsync();
        if (_snapshot is null || _dvms is null)
            return;
        var raised = _detector.Observe(_snapshot.Node, SnapshotReader.Now(time));
        if (raised is null)
            return;
        if (_dvms.PendingEvent is not null)
        {
            _detector.Reset(Id); // busy with an earlier event: look again next time
            return;
        }
        if (raised.Kind == NodeEventKind.Underload && !options.Value.Consolidation)
            return;
        // The partition grows over the nodes nearest now, not those of when this scheduler started: nodes come and go.
        var neighbours = await NeighboursAsync();
        if (!IsIdle)
        {
            _detector.Reset(Id); // a peer's partition took this node meanwhile: raise the event again next time
            return;
        }
        _dvms = NewDvmsNode(neighbours);
        logger.LogInformation("Node {Node}: {Event} ({Load} of {Capacity}); asking its neighbours", Id, raised, _snapshot.Node.Load, _snapshot.Node.Capacity);
        Diagnostics.DiscoveryMetrics.DvmsProcedureStarted();
        await PublishAsync("started", 1, 0, $"{raised}: {_snapshot.Node.Load} of {_snapshot.Node.Capacity}");
        Process(new EventRaised(Id, raised));
    }

    // The node's own snapshot, which the state machine reads synchronously when it plans or joins a partition.
    private async Task RefreshAsync()
    {
        var state = await reader.NodeAsync(GrainFactory, Id, SnapshotReader.Now(time));
        _snapshot = await reader.SnapshotAsync(GrainFactory, state);
    }

    private async Task EnsureStartedAsync()
    {
        if (_dvms is not null)
            return;
        await RefreshAsync();
        // Only a leader grows a partition over its neighbours, and an event asks for them afresh: at start the site
        // is enough. (10,000 schedulers starting together would otherwise run 10,000 spiral searches at once.)
        _dvms ??= NewDvmsNode(await NeighboursAsync(acrossSites: false));
    }

    private bool IsIdle => _dvms is { HeldBy: null, Leading: null, PendingEvent: null };

    private DvmsNode NewDvmsNode(IReadOnlyList<string> neighbours) =>
        new(Id, neighbours, () => _snapshot!, new ReconfigurationPlanner(options.Value.Planner), options.Value.Procedure);

    // The node's own site first — its nodes are a LAN away, whatever the coordinates say while they converge — as a
    // ring starting after this node (so a site's nodes do not all ask the same one first), then the nearest nodes of
    // other sites by the spiral search.
    // The spiral search's answer is kept a while: coordinates move slowly, and overloads come back often.
    private async Task<IReadOnlyList<string>> NeighboursAsync(bool acrossSites = true)
    {
        var site = (await GrainFactory.GetGrain<ISiteGrain>(Site).GetNodeNamesAsync()).Select(n => $"{Site}/{n}").Order(StringComparer.Ordinal).ToList();
        var self = site.IndexOf(Id);
        var ring = self < 0 ? site : [.. site.Skip(self + 1), .. site.Take(self)];
        if (acrossSites && (_nearest is null || time.GetUtcNow() - _nearestAt > NearestKeptFor))
        {
            _nearest = (await GrainFactory.GetGrain<ILocalityGrain>(0).NearestAsync(new NearestQuery(NearestTarget.OfNode(Id), options.Value.Neighbours)))
                .Nodes.Select(n => n.Node).ToList();
            _nearestAt = time.GetUtcNow();
        }
        return ring.Concat(acrossSites ? _nearest! : []).Where(n => n != Id).Distinct().ToList();
    }

    private static readonly TimeSpan NearestKeptFor = TimeSpan.FromMinutes(2);
    private IReadOnlyList<string>? _nearest;
    private DateTimeOffset _nearestAt;

    private void Process(DvmsMessage message)
    {
        foreach (var output in _dvms!.Handle(message, SnapshotReader.Now(time)))
        {
            switch (output)
            {
                case Send send:
                    GrainFactory.GetGrain<ISchedulerPeerGrain>(send.To).DeliverAsync(WireMessage.Of(send.Message)).Ignore();
                    break;
                case After after:
                    IGrainTimer? timer = null;
                    timer = this.RegisterGrainTimer(() =>
                    {
                        timer?.Dispose();
                        Process(after.Message);
                        return Task.CompletedTask;
                    }, new GrainTimerCreationOptions(TimeSpan.FromSeconds(after.DelaySeconds), Timeout.InfiniteTimeSpan) { Interleave = true });
                    break;
                case ApplyPlan apply:
                    ApplyAsync(apply).Ignore();
                    break;
                case EventResolved resolved:
                    Diagnostics.DiscoveryMetrics.DvmsProcedureResolved(SnapshotReader.Now(time) - resolved.Partition.Since);
                    PublishAsync("resolved", resolved.PartitionSize, resolved.Migrations, $"{resolved.Event} resolved by a partition of {resolved.PartitionSize} node(s) with {resolved.Migrations} migration(s)").Ignore();
                    if (resolved.Event.Kind == NodeEventKind.Underload && resolved.Event.Node == Id)
                        StandByAsync().Ignore();
                    break;
                case EventUnsolvable unsolvable:
                    Diagnostics.DiscoveryMetrics.DvmsProcedureUnsolvable();
                    logger.LogWarning("Node {Node}: {Event} is unsolvable: {Reason}", Id, unsolvable.Event, unsolvable.Reason);
                    PublishAsync("unsolvable", unsolvable.PartitionSize, 0, $"{unsolvable.Event}: {unsolvable.Reason}").Ignore();
                    break;
            }
        }
    }

    // Runs the plan's migrations in their order (through each VM's VE, which checks its constraints once more), then
    // tells the state machine how it went.
    private async Task ApplyAsync(ApplyPlan apply)
    {
        string? conflict = null;
        foreach (var migration in apply.Plan.Migrations)
        {
            try
            {
                var ve = SnapshotReader.VeOf(migration.Vm);
                if (ve is null)
                    await GrainFactory.GetGrain<IVmGrain>(migration.Vm).MigrateAsync(migration.To);
                else
                    await GrainFactory.GetGrain<IVeGrain>(ve).MoveVmAsync(migration.Vm[(ve.Length + 1)..], migration.To, $"dvms-{Id}-{apply.Partition}-{++_requests}");
                logger.LogInformation("Node {Node}: moved {Vm} from {From} to {To}", Id, migration.Vm, migration.From, migration.To);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or SiteUnavailableException)
            {
                conflict = $"{migration}: {e.Message}";
                break;
            }
        }
        await RefreshAsync();
        Process(new PlanApplied(Id, apply.Partition, conflict));
    }

    // Consolidation emptied this node: power it down. A VM that arrived meanwhile keeps it on; the node agent wakes it
    // when a partition or an operator moves a VM onto it.
    private async Task StandByAsync()
    {
        var node = GrainFactory.GetGrain<INodeGrain>(Id);
        if ((await node.GetInfoAsync()) is not { Status: NodeStatus.Up, Vms: null or { Count: 0 } })
            return;
        try
        {
            await node.SetStatusAsync(NodeStatus.Standby);
        }
        catch (InvalidOperationException e)
        {
            logger.LogInformation("Node {Node} stays on: {Reason}", Id, e.Message);
            return;
        }
        var watts = new PowerModel(options.Value.Power).StandbySavingWatts;
        logger.LogInformation("Node {Node} emptied by consolidation stands by, saving {Watts} W (IT)", Id, watts);
        await PublishAsync("standby", 1, 0, $"{Id} is empty and stands by, saving {watts:0} W (IT)");
    }

    private Task PublishAsync(string step, int size, int migrations, string detail) =>
        this.PublishAsync(new Abstractions.Events.SchedulingStepped(Site, time.GetUtcNow(), Id, step, size, migrations, detail), logger);
}
