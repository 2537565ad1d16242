using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Events;
using Discovery.Grains.Reliability;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Sites;

/// <summary>The registry of one site's nodes; on the site's silos when it has any, else on the nearest site.</summary>
[PreferSitePlacement]
public sealed class SiteGrain(
    [PersistentState("site", StorageNames.State)] IPersistentState<SiteState> state,
    TimeProvider time,
    ILogger<SiteGrain> logger) : Grain, ISiteGrain, ISiteRecoveryGrain, IRemindable
{
    // While a loss is recorded and not recovered, this reminder starts its recovery again: the silo that ran it may
    // have died, or a VE may have failed to recover (the walk then reports it unfinished).
    private const string RecoveryReminder = "recovery";
    private static readonly TimeSpan RecoveryRetry = TimeSpan.FromMinutes(1);

    // Soft state: rebuilt from the nodes' reports, and from the nodes themselves after a reactivation.
    private readonly Dictionary<string, NodeLoad> _loads = new(StringComparer.Ordinal);

    // Keeps a node with a near-zero error from getting an unbounded weight in the site's centroid.
    private const double CentroidErrorFloor = 0.05;

    private readonly Dictionary<string, NodeCoordinate> _coordinates = new(StringComparer.Ordinal);

    private string Site => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task ReportCoordinateAsync(string node, NodeCoordinate coordinate)
    {
        if (NodeId.Parse(node).Site != Site)
            throw new ArgumentException($"site {Site} got the coordinate of node {node} of another site", nameof(node));
        _coordinates[node] = coordinate;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<NodeCoordinate?> GetCoordinateAsync()
    {
        var members = _coordinates.Where(c => state.State.Nodes.Contains(NodeId.Parse(c.Key).Name)).Select(c => c.Value).ToList();
        if (members.Count == 0)
            return Task.FromResult<NodeCoordinate?>(null);
        var dimensions = members[0].Vector.Count;
        members = members.Where(m => m.Vector.Count == dimensions).ToList();
        // Weighted by confidence: a node that just joined (error near its maximum) barely moves its site's centre.
        var weights = members.Select(m => 1 / (m.Error + CentroidErrorFloor)).ToList();
        var total = weights.Sum();
        double Mean(Func<NodeCoordinate, double> value) => members.Select((m, i) => value(m) * weights[i]).Sum() / total;
        var centroid = Enumerable.Range(0, dimensions).Select(d => Mean(m => m.Vector[d])).ToArray();
        return Task.FromResult<NodeCoordinate?>(new NodeCoordinate(centroid, Mean(m => m.Height), Mean(m => m.Error)));
    }

    /// <inheritdoc />
    public Task ReportLoadAsync(NodeLoad load)
    {
        var node = NodeId.Parse(load.Node);
        if (node.Site != Site)
            throw new ArgumentException($"site {Site} got the load of node {load.Node} of another site", nameof(load));
        _loads[node.Name] = load;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NodeLoad>> GetLoadsAsync()
    {
        var missing = state.State.Nodes.Where(n => !_loads.ContainsKey(n)).ToList();
        var asked = await Task.WhenAll(missing.Select(async n =>
        {
            try
            {
                var info = await GrainFactory.GetGrain<INodeGrain>($"{Site}/{n}").GetInfoAsync();
                return info.Spec is null ? null : new NodeLoad(info.Id.ToString(), info.Status, info.Spec.Capacity, info.Allocated);
            }
            catch (SiteUnavailableException)
            {
                return null; // its site has no silo up: not a candidate until it comes back
            }
        }));
        foreach (var load in asked.OfType<NodeLoad>())
            _loads.TryAdd(NodeId.Parse(load.Node).Name, load);
        return state.State.Nodes.Where(_loads.ContainsKey).Select(n => _loads[n]).ToList();
    }

    /// <inheritdoc />
    public async Task AddNodeAsync(string nodeName)
    {
        RequireNodeName(nodeName);
        if (state.State.Nodes.Add(nodeName))
        {
            await state.WriteStateAsync();
            await PublishNeighboursAsync(nodeName);
        }
    }

    /// <inheritdoc />
    public async Task RemoveNodeAsync(string nodeName)
    {
        RequireNodeName(nodeName);
        _loads.Remove(nodeName);
        if (state.State.Nodes.Remove(nodeName) | state.State.AgentSilo.Remove(nodeName))
        {
            await state.WriteStateAsync();
            await PublishNeighboursAsync(nodeName);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetNodeNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Nodes.ToList());

    /// <inheritdoc />
    public async Task NodeActivatedAsync(string nodeName, string silo)
    {
        RequireNodeName(nodeName);
        if (state.State.AgentSilo.GetValueOrDefault(nodeName) == silo)
            return;
        state.State.AgentSilo[nodeName] = silo;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> SiloDeadAsync(string silo)
    {
        if (!state.State.DeadSilos.Add(silo))
            return [];
        var lost = state.State.AgentSilo.Where(a => a.Value == silo).Select(a => a.Key).Order().ToList();
        foreach (var node in lost)
        {
            state.State.AgentSilo.Remove(node);
            _loads.Remove(node);
        }
        var cause = $"silo {silo}";
        var reason = $"silo {silo} of site {Site} was declared dead";
        if (lost.Count > 0)
            state.State.Recoveries[cause] = new PendingRecovery(lost.Select(n => $"{Site}/{n}").ToList(), reason, time.GetUtcNow());
        await WriteOrForgetAsync();
        foreach (var node in lost)
        {
            await this.PublishAsync(new NodeUnreachable(Site, time.GetUtcNow(), $"{Site}/{node}",
                $"silo {silo} that ran its agent was declared dead"), logger);
        }
        if (lost.Count > 0)
        {
            await PublishNeighboursAsync(string.Join(",", lost), lost);
            logger.LogWarning("Site {Site}: silo {Silo} died; {Count} node agents unreachable", Site, silo, lost.Count);
            await StartRecoveriesAsync();
        }
        return lost;
    }

    /// <inheritdoc />
    public async Task RecoverLostNodesAsync(string cause, IReadOnlyList<string> nodes, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(cause);
        if (nodes.Count == 0 || state.State.Recoveries.ContainsKey(cause))
            return;
        if (nodes.FirstOrDefault(n => NodeId.Parse(n).Site != Site) is { } stranger)
            throw new ArgumentException($"site {Site} was told of the loss of node {stranger} of another site", nameof(nodes));
        state.State.Recoveries[cause] = new PendingRecovery(nodes.ToList(), reason, time.GetUtcNow());
        await WriteOrForgetAsync();
        await StartRecoveriesAsync();
    }

    /// <inheritdoc />
    public async Task RecoveryDoneAsync(string cause)
    {
        if (!state.State.Recoveries.Remove(cause))
            return;
        await state.WriteStateAsync();
        logger.LogInformation("Site {Site}: every VM lost with {Cause} is recovered", Site, cause);
        if (state.State.Recoveries.Count == 0)
            await this.TryUnregisterAsync(RecoveryReminder, logger);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetPendingRecoveriesAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(state.State.Recoveries.ToDictionary(r => r.Key, r => r.Value.Nodes));

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == RecoveryReminder ? StartRecoveriesAsync() : Task.CompletedTask;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A site that comes back with losses still recorded (its silo died during the walk) takes them up at once.
        if (state.State.Recoveries.Count > 0)
            StartRecoveriesAsync().Ignore();
        return Task.CompletedTask;
    }

    // Each recorded loss is walked by a grain of its own, not here: the walk calls VEs, whose placement asks this site
    // for loads. Not awaited, for the same reason; the walker acknowledges with RecoveryDoneAsync.
    private async Task StartRecoveriesAsync()
    {
        foreach (var (cause, pending) in state.State.Recoveries)
            GrainFactory.GetGrain<INodeLossRecoveryGrain>($"{Site}|{cause}").RunAsync(pending.Nodes, pending.Reason).Ignore();
        if (state.State.Recoveries.Count > 0)
            await this.TryRegisterAsync(RecoveryReminder, RecoveryRetry, logger);
    }

    // Not stored (the database is down): this activation goes, so the next report reloads the stored state and gets
    // the lost nodes — kept in memory only, the death would count as reported and its VMs never recover.
    private async Task WriteOrForgetAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private Task PublishNeighboursAsync(string cause, IEnumerable<string>? unreachable = null)
    {
        var reachable = state.State.Nodes.Except(unreachable ?? []).Order().ToList();
        return this.PublishAsync(new NeighboursChanged(Site, time.GetUtcNow(), cause, reachable), logger);
    }

    private void RequireNodeName(string nodeName)
    {
        if (NodeId.ValidateName(nodeName) is { } problem)
            throw new ArgumentException($"site {Site}: {problem}", nameof(nodeName));
    }
}
