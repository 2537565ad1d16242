using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Diagnostics;
using Discovery.Grains.Reliability;
using Discovery.Grains.Sites;
using Discovery.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Discovery.Grains.Environments;

/// <summary>
/// One VE: its spec, where each VM was placed and why, and its lifecycle. Placement is computed here from the loads
/// of the sites nearest the requester, one site more at a time; the node agents alone decide whether a VM fits, so a
/// stale view costs a re-plan, never an over-commit.
/// </summary>
public sealed class VeGrain(
    [PersistentState("ve", StorageNames.State)] IPersistentState<VeRecord> record,
    NearestNodes nearest,
    LatencyEstimator latency,
    SiteTopology topology,
    IOptions<PlacementOptions> options,
    TimeProvider time,
    Security.PolicyEnforcement policies,
    ILogger<VeGrain> logger) : Grain, IVeGrain, IVeRecoveryGrain, IRemindable
{
    // While protected VMs wait for capacity, a reminder brings the VE back to try again even after its silo restarted
    // and nobody called it; the timer retries more often while it is active.
    private const string RecoveryReminder = "recovery";

    // How many nearest nodes the first coordinate search asks for, and the most it ever asks for.
    private const int MinNearest = 16;
    private const int MaxNearest = 1000;

    private VeId Id => VeId.Parse(this.GetPrimaryKeyString());

    private VeRecord R => record.State;

    private IVeDirectoryGrain Directory => GrainFactory.GetGrain<IVeDirectoryGrain>(0);

    private ITenantQuotaGrain Quota => GrainFactory.GetGrain<ITenantQuotaGrain>(Id.Tenant);

    // Plans with the policies' site clauses added as constraints, so the search itself avoids what they forbid; a plan
    // that fails because of them says which policy and clause kept it in.
    private async Task<T> WithinPoliciesAsync<T>(Func<VeSpec, Task<T>> plan, VeSpec spec)
    {
        var (extra, clauses) = await policies.SteeringAsync(Id);
        if (extra.Count == 0)
            return await plan(spec);
        try
        {
            return await plan(spec with { Constraints = [.. spec.Constraints ?? [], .. extra] });
        }
        catch (PlacementFailedException e)
        {
            throw new PolicyViolationException($"{e.Message} — within the sites allowed by {clauses}");
        }
    }

    // The one policy check of every placement and move of this VE's VMs (deploy, relocate, the schedulers' moves).
    private async Task RequirePolicyAsync(string action, string vm, string node, string? image)
    {
        if (await policies.RefuseVmAsync(action, Id.Vm(vm).Value, node, image) is { } refusal)
            throw new PolicyViolationException($"VE {Id}: {refusal}");
    }

    private static QuotaUsage Usage(VeSpec spec) => spec.Instances()
        .Aggregate(QuotaUsage.None, (sum, i) => sum + new QuotaUsage(i.Template.Vcpus, i.Template.MemoryMiB, 1));

    /// <inheritdoc />
    public Task<VeInfo> ConfigureAsync(VeSpec spec, string requestId) => OnceAsync(requestId, "configure", async () =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (R.Nodes.Count > 0)
            throw new VeOperationException($"VE {Id} is deployed ({R.Status}); delete it before changing its spec");
        var problems = spec.Validate().Concat(await InfrastructureProblemsAsync(spec)).ToList();
        if (problems.Count > 0)
            throw new InvalidVeSpecException($"VE {Id}: {string.Join("; ", problems)}");
        await RemoveStrayVmsAsync(); // of the spec it replaces: nobody would find them afterwards
        R.Spec = spec;
        R.Status = VeStatus.Configured;
        await WriteRecordAsync();
        await Directory.AddAsync(Id.ToString());
        return await LocateAsync();
    });

    /// <inheritdoc />
    public Task<VeInfo> DeployAsync(string requestId, Locality? near = null) => OnceAsync(requestId, "deploy", async () =>
    {
        var spec = RequireSpec();
        if (R.Status != VeStatus.Configured)
            throw new VeOperationException($"VE {Id} is {R.Status}; deploy needs a configured VE that is not deployed yet");
        var locality = near ?? spec.Near ?? Locality.NearCaller();
        var requester = await ResolveAsync(locality);
        await RemoveStrayVmsAsync();
        var total = spec.Instances().Count * 2;
        // The tenant's quota is held before any node reserves anything, and given back if the deployment fails.
        await Quota.ReserveAsync(Id.ToString(), Usage(spec));
        IReadOnlyDictionary<string, Candidate> plan;
        try
        {
            plan = await WithinPoliciesAsync(steered => DiscoveryMetrics.TimePlacementAsync(() => ReserveAsync(PlacementProblem.For(steered), requester, locality.MaxRttMs, "deploy", total)), spec);
        }
        catch
        {
            await Quota.ReleaseAsync(Id.ToString());
            throw;
        }
        R.Requester = requester;
        foreach (var (vm, candidate) in plan)
            R.Nodes[vm] = candidate.Host.Node;
        await WriteRecordAsync();

        var done = total / 2;
        try
        {
            foreach (var vm in plan.Keys)
            {
                await Vm(vm).StartAsync();
                await ProgressAsync("deploy", ++done, total, $"{vm} started on {plan[vm].Host.Node}");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await ProgressAsync("deploy", done, total, $"starting failed ({e.Message}); rolling back");
            await RemoveVmsAsync(plan.Keys);
            R.Nodes.Clear();
            R.Requester = null;
            await WriteRecordAsync();
            await Quota.ReleaseAsync(Id.ToString());
            throw new PlacementFailedException($"VE {Id}: a VM failed to start, nothing is left deployed: {e.Message}");
        }
        R.Status = VeStatus.Running;
        await WriteRecordAsync();
        ScheduleSnapshots();
        await KeepStandbysAsync();
        await WatchProtectedAsync();
        logger.LogInformation("VE {Ve} deployed near {Requester}: {Placement}", Id, requester, string.Join(", ", plan.Select(p => $"{p.Key}@{p.Value.Host.Node}")));
        return await LocateAsync();
    });

    /// <inheritdoc />
    public Task<VeInfo> SuspendAsync(string requestId) =>
        OnceAsync(requestId, "suspend", () => ForEachVmAsync("suspend", [VeStatus.Running], VeStatus.Suspended, (vm, state) =>
            state == VmState.Running ? vm.SuspendAsync() : null));

    /// <inheritdoc />
    public Task<VeInfo> ResumeAsync(string requestId) =>
        OnceAsync(requestId, "resume", () => ForEachVmAsync("resume", [VeStatus.Suspended], VeStatus.Running, (vm, state) =>
            state == VmState.Suspended ? vm.ResumeAsync() : null));

    /// <inheritdoc />
    public Task<VeInfo> StopAsync(string requestId, bool force = false) =>
        OnceAsync(requestId, "stop", () => ForEachVmAsync("stop", [VeStatus.Running, VeStatus.Suspended, VeStatus.Degraded], VeStatus.Stopped, (vm, state) =>
            state is VmState.Running or VmState.Suspended ? vm.StopAsync(force) : null));

    /// <inheritdoc />
    public Task<VeInfo> StartAsync(string requestId) =>
        OnceAsync(requestId, "start", () => ForEachVmAsync("start", [VeStatus.Stopped], VeStatus.Running, (vm, state) =>
            state is VmState.Stopped or VmState.Defined ? vm.StartAsync() : null));

    /// <inheritdoc />
    public Task<VeInfo> RepairAsync(string requestId) => OnceAsync(requestId, "repair", async () =>
    {
        RequireSpec();
        var failed = await FailedAsync(R.Nodes.Keys.Where(v => !R.AwaitingCapacity.ContainsKey(v)).ToList());
        foreach (var (vm, failure) in failed)
            R.AwaitingCapacity[vm] = $"started again by its tenant after it failed ({failure})";
        if (failed.Count > 0)
            await WriteRecordAsync();
        // Also tries again now what was already waiting for capacity.
        if (await RestartAwaitingAsync() is { } refusal)
            throw new PlacementFailedException($"VE {Id}: {string.Join(", ", R.AwaitingCapacity.Keys)} found no node yet ({refusal}); "
                + $"they wait for capacity and are tried again every {options.Value.RecoveryRetryInterval.TotalSeconds:0} s");
        return await LocateAsync();
    });

    /// <inheritdoc />
    public Task<VeInfo> RelocateAsync(Locality to, string requestId, string? vm = null) => OnceAsync(requestId, "relocate", async () =>
    {
        ArgumentNullException.ThrowIfNull(to);
        var spec = RequireSpec();
        if (to.Validate() is { } badLocality)
            throw new ArgumentException($"VE {Id}: {badLocality}", nameof(to));
        if (R.Nodes.Count == 0)
            throw new VeOperationException($"VE {Id} is not deployed; deploy it near {to} instead");
        var moving = vm is null ? R.Nodes.Keys.ToList() : [vm];
        if (vm is not null && !R.Nodes.ContainsKey(vm))
            throw new VeOperationException($"VE {Id} has no VM '{vm}' (it has {string.Join(", ", R.Nodes.Keys)})");
        var refusals = moving.SelectMany(m => spec.AllConstraints.Where(c => spec.MembersOf(c).Contains(m)).Select(c => c.RefuseMove(m))).OfType<string>().ToList();
        if (refusals.Count > 0)
            throw new VeOperationException($"VE {Id}: {string.Join("; ", refusals)}");
        // A failed VM (its node was lost, it was not protected) has nothing left to move: the others go, it stays.
        var failed = await FailedAsync(moving);
        if (failed.Count == moving.Count)
            throw new VeOperationException($"VE {Id}: {string.Join("; ", failed.Select(f => $"{f.Vm} is Failed ({f.Failure})"))}: a failed VM cannot move, only be deleted with its VE");
        moving.RemoveAll(m => failed.Any(f => f.Vm == m));

        var requester = await ResolveAsync(to);
        var current = Placement();
        var plan = await WithinPoliciesAsync(steered => PlanAsync(PlacementProblem.For(steered, current, moving), requester, to.MaxRttMs), spec);
        var templates = spec.Instances().ToDictionary(i => i.Vm, i => i.Template);
        var moves = MovesOf(spec, plan);
        foreach (var name in moves)
            await RequirePolicyAsync("relocate", name, plan[name].Host.Node, templates[name].Image);
        var moved = new List<(string Vm, string From)>();
        string? target = null;
        try
        {
            foreach (var name in moves)
            {
                var from = R.Nodes[name];
                target = plan[name].Host.Node;
                await Vm(name).MigrateAsync(target);
                moved.Add((name, from));
                R.Nodes[name] = target;
                await WriteRecordAsync();
                await ProgressAsync("relocate", moved.Count, plan.Count, $"{name} moved from {from} to {target}");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await SettleFailedRelocationAsync(spec, moving, moved, target, e, requester, to);
        }
        R.Requester = requester;
        await WriteRecordAsync();
        await KeepStandbysAsync(); // a replica moved next to its standby gets another
        return await LocateAsync();
    });

    // A relocation that failed part-way may leave the VE breaking a constraint (web-1 moved next to web-2, which did
    // not move): what moved goes back, and the request fails "undone". When a VM cannot go back (its old node filled
    // up or closed meanwhile), the relocation is finished instead by a new plan that avoids the nodes that failed, and
    // returns to succeed. Only when that fails too does the VE stay as it stands; its record says where every VM is and
    // the error names what it breaks. Every way out but success is a PlacementFailedException, which the request keeps.
    private async Task SettleFailedRelocationAsync(VeSpec spec, IReadOnlyList<string> moving, List<(string Vm, string From)> moved,
        string? failedTarget, Exception failure, Requester requester, Locality to)
    {
        logger.LogWarning("VE {Ve}: relocation failed after moving {Moved} VM(s): {Reason}", Id, moved.Count, failure.Message);
        await FollowVmsAsync(moving); // the VM in flight may have moved or not
        var avoid = new HashSet<string>(failedTarget is null ? [] : [failedTarget]);
        var stuck = new List<string>();
        foreach (var (vm, from) in Enumerable.Reverse(moved).Where(m => R.Nodes[m.Vm] != m.From))
        {
            try
            {
                await Vm(vm).MigrateAsync(from);
                R.Nodes[vm] = from;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                avoid.Add(from);
                stuck.Add($"{vm} could not go back to {from} ({e.Message})");
            }
        }
        await WriteRecordAsync();
        if (stuck.Count == 0)
            throw new PlacementFailedException($"VE {Id}: relocation failed and was undone: {failure.Message}");

        logger.LogWarning("VE {Ve}: {Stuck}; finishing the relocation without {Avoid}", Id, string.Join("; ", stuck), string.Join(", ", avoid));
        try
        {
            var current = Placement();
            var avoiding = spec with { Constraints = [.. spec.AllConstraints, new Ban([.. moving], [.. avoid])] };
            var plan = await WithinPoliciesAsync(steered => PlanAsync(PlacementProblem.For(steered, current, moving), requester, to.MaxRttMs), avoiding);
            var templates = spec.Instances().ToDictionary(i => i.Vm, i => i.Template);
            foreach (var name in MovesOf(spec, plan))
            {
                var target = plan[name].Host.Node;
                await RequirePolicyAsync("relocate", name, target, templates[name].Image);
                await Vm(name).MigrateAsync(target);
                R.Nodes[name] = target;
                await WriteRecordAsync();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await FollowVmsAsync(moving);
            await WriteRecordAsync();
            var breaches = spec.Breaches(Placement());
            logger.LogError("VE {Ve}: relocation could be neither undone nor finished ({Reason}); it breaks: {Breaches}", Id, e.Message, string.Join("; ", breaches));
            throw new PlacementFailedException($"VE {Id}: relocation failed ({failure.Message}); {string.Join("; ", stuck)}; "
                + $"finishing it failed too ({e.Message}). The VMs stay where they are ({string.Join(", ", moving.Select(v => $"{v} on {R.Nodes[v]}"))})"
                + (breaches.Count == 0 ? "" : $", which breaks: {string.Join("; ", breaches)}. Relocate it again when nodes are back"));
        }
    }

    // Reads where each VM's own record says it is (best effort: one that does not answer keeps what the VE's record says).
    private async Task FollowVmsAsync(IEnumerable<string> vms)
    {
        foreach (var vm in vms)
        {
            try
            {
                if ((await Vm(vm).GetInfoAsync()).Node is { } node)
                    R.Nodes[vm] = node;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("VE {Ve}: VM {Vm} did not say where it is ({Reason})", Id, vm, e.Message);
            }
        }
    }

    /// <inheritdoc />
    public Task<VeInfo> MoveVmAsync(string vm, string node, string requestId) => OnceAsync(requestId, "move", async () =>
    {
        var spec = RequireSpec();
        if (!R.Nodes.TryGetValue(vm, out var from))
            throw new VeOperationException($"VE {Id} has no placed VM '{vm}' (it has {string.Join(", ", R.Nodes.Keys)})");
        if (from == node)
            return await LocateAsync();
        var target = Host(node);
        var others = R.Nodes.Where(n => n.Key != vm).Select(n => new PlacedVm(n.Key, Host(n.Value))).ToList();
        var refusals = spec.AllConstraints.Where(c => spec.MembersOf(c).Contains(vm))
            .Select(c => c.RefuseMove(vm) ?? c.Reject(target, others.Where(o => spec.MembersOf(c).Contains(o.Vm)).ToList()))
            .OfType<string>().ToList();
        if (refusals.Count > 0)
            throw new VeOperationException($"VE {Id}: {vm} may not move to {node}: {string.Join("; ", refusals)}");
        await RequirePolicyAsync("move", vm, node, spec.Instances().First(i => i.Vm == vm).Template.Image);
        await Vm(vm).MigrateAsync(node);
        R.Nodes[vm] = node;
        await WriteRecordAsync();
        await ProgressAsync("move", 1, 1, $"{vm} moved from {from} to {node}");
        await KeepStandbysAsync();
        return await LocateAsync();
    });

    /// <inheritdoc />
    public async Task<int> RecoverAsync(IReadOnlyList<string> lostNodes, string reason)
    {
        if (R.Spec is not { } spec)
            return 0;
        var lost = R.Nodes.Where(n => lostNodes.Contains(n.Value)).ToList();
        var templates = spec.Instances().ToDictionary(i => i.Vm, i => i.Template);
        foreach (var (vm, node) in lost)
        {
            if (templates[vm].Ha.IsProtected())
                R.AwaitingCapacity[vm] = $"{node} was lost: {reason}";
            else
                await Vm(vm).ReportFailureAsync(node, $"its node was lost: {reason}");
        }
        if (lost.Count > 0)
            await WriteRecordAsync();
        await RestartAwaitingAsync();
        return lost.Count;
    }

    /// <inheritdoc />
    public async Task VmFailedAsync(string vm, string node, string reason)
    {
        // Only a protected VM still recorded on that node, and not already waiting (this VE reports its waiting VMs
        // failed itself, which comes back here).
        if (R.Spec is not { } spec || R.Nodes.GetValueOrDefault(vm) != node || R.AwaitingCapacity.ContainsKey(vm)
            || !spec.Instances().Where(i => i.Vm == vm).Select(i => i.Template.Ha).FirstOrDefault().IsProtected())
            return;
        logger.LogWarning("VE {Ve}: protected VM {Vm} failed on {Node} ({Reason}); restarting it", Id, vm, node, reason);
        R.AwaitingCapacity[vm] = $"it failed on {node}: {reason}";
        await WriteRecordAsync();
        await RestartAwaitingAsync();
    }

    // Places the VMs that lost their node (protected ones, and failed ones their tenant repairs) as a relocation would
    // (every constraint, nearest the requester first, the VE's other VMs where they are) and starts each on its new node. What finds no node stays in
    // AwaitingCapacity, marked failed with the reason, and is tried again on a timer: never dropped. Returns why when
    // VMs are left waiting, else null.
    private async Task<string?> RestartAwaitingAsync()
    {
        if (R.AwaitingCapacity.Count == 0 || R.Spec is not { } spec)
            return null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RestartEachAwaitingAsync(spec);
                    await KeepStandbysAsync(); // a promoted replica needs a new standby; a restarted one may share its site
                    await WatchProtectedAsync();
                    return null;
                }
                catch (Exception e) when (e is InsufficientCapacityException or HypervisorException or SiteUnavailableException
                                          && attempt < options.Value.MaxReservationAttempts)
                {
                    // The node was fuller than its site said (its refusal refreshed the site's view), or its hypervisor
                    // does not answer, or its site's silo has just died (that node is avoided for this recovery): plan
                    // again now rather than a whole RecoveryRetryInterval later (chaos suite: a VM waited 30 s on a
                    // stale view).
                    logger.LogInformation("VE {Ve}: restart attempt {Attempt} refused ({Reason}); planning again", Id, attempt, e.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
                }
            }
        }
        catch (Exception e) when (e is PlacementFailedException or InsufficientCapacityException or VmTransitionException or SiteUnavailableException or VeOperationException or PolicyViolationException or HypervisorException)
        {
            logger.LogWarning("VE {Ve}: {Count} VM(s) wait for capacity: {Reason}", Id, R.AwaitingCapacity.Count, e.Message);
            foreach (var (vm, why) in R.AwaitingCapacity)
                await Vm(vm).ReportFailureAsync(R.Nodes[vm], $"{why}; waiting for capacity: {e.Message}");
            await ProgressAsync("recover", 0, R.AwaitingCapacity.Count, $"waiting for capacity: {e.Message}");
            return e.Message;
        }
        finally
        {
            _unusableTargets.Clear(); // the next round may find them answering again
            await ScheduleRecoveryRetryAsync();
        }
    }

    // One round: plans every VM still waiting, then restarts each on its planned node.
    private async Task RestartEachAwaitingAsync(VeSpec spec)
    {
        var waiting = R.AwaitingCapacity.Keys.Where(R.Nodes.ContainsKey).ToList();
        if (waiting.Count == 0)
            return;
        // A replica's standby is promoted where it waits: no placement, its capacity is held there. If that fails, the
        // VM is placed anew like any protected VM.
        foreach (var vm in waiting.ToList())
        {
            if (await LiveStandbyAsync(vm) is not { } standby)
                continue;
            try
            {
                await RestartOneAsync(vm, standby, waiting);
                waiting.Remove(vm);
            }
            catch (Exception e) when (e is HypervisorException or VmTransitionException or InsufficientCapacityException)
            {
                logger.LogWarning("VE {Ve}: the standby of {Vm} on {Standby} could not be promoted ({Reason}); placing it anew", Id, vm, standby, e.Message);
            }
        }
        if (waiting.Count == 0)
            return;
        // Near the VE's requester still, but by its site's location when its node's site is down with the lost nodes.
        var requester = R.Requester ?? Requester.AtNode(R.Nodes[waiting[0]]);
        if (requester.Node is not null && !topology.SitesUp().Contains(requester.Site))
            requester = new Requester(requester.Site);
        var current = Placement();
        var avoiding = _unusableTargets.Count == 0 ? spec : spec with { Constraints = [.. spec.AllConstraints, new Ban(waiting, [.. _unusableTargets])] };
        var plan = await WithinPoliciesAsync(steered => PlanAsync(PlacementProblem.For(steered, current, waiting), requester, null), avoiding);
        var templates = spec.Instances().ToDictionary(i => i.Vm, i => i.Template);
        foreach (var vm in waiting)
            await RequirePolicyAsync("ha-restart", vm, plan[vm].Host.Node, templates[vm].Image);
        foreach (var vm in waiting)
        {
            try
            {
                await RestartOneAsync(vm, plan[vm].Host.Node, waiting);
            }
            catch (Exception e) when (e is HypervisorException or SiteUnavailableException)
            {
                // A node whose hypervisor does not answer, though its agent has not declared it lost yet (a watcher
                // found it first), or whose site's silo died before the site list said so: the next plan of this
                // recovery avoids it.
                _unusableTargets.Add(plan[vm].Host.Node);
                throw;
            }
        }
    }

    // Nodes a restart of this round could not use (their hypervisor did not answer); forgotten when the round ends.
    private readonly HashSet<string> _unusableTargets = new(StringComparer.Ordinal);

    // The VM's standby node, if it has one on a site that is up and the node is up.
    private async Task<string?> LiveStandbyAsync(string vm)
    {
        if ((await Vm(vm).GetInfoAsync()).Standby is not { } standby || !topology.SitesUp().Contains(NodeId.Parse(standby).Site))
            return null;
        return (await GrainFactory.GetGrain<INodeGrain>(standby).GetInfoAsync()).Status == NodeStatus.Up ? standby : null;
    }

    private async Task RestartOneAsync(string vm, string target, IReadOnlyCollection<string> round)
    {
        var why = R.AwaitingCapacity[vm];
        await Recovery(vm).RestartOnAsync(target, why);
        R.Nodes[vm] = target;
        R.AwaitingCapacity.Remove(vm);
        await WriteRecordAsync();
        await ProgressAsync("recover", round.Count - R.AwaitingCapacity.Count(a => round.Contains(a.Key)), round.Count, $"{vm} restarted on {target} ({why})");
    }

    // Every replica VM keeps a standby on a node of another site than its own (and up), chosen as a relocation would
    // place it there: every constraint and policy of the VE, nearest the requester. A replica without one (no node
    // fits, a policy keeps it on one site) is still restarted when its node is lost, as ha: restart; it gets one when
    // this is tried again (after each deployment, restart, relocation, and at every snapshot tick).
    private async Task KeepStandbysAsync()
    {
        if (R.Spec is not { } spec)
            return;
        var current = Placement(); // choosing standbys moves no VM
        foreach (var (vm, template) in spec.Instances().Where(i => i.Template.Ha == HaMode.Replica && R.Nodes.ContainsKey(i.Vm) && !R.AwaitingCapacity.ContainsKey(i.Vm)))
        {
            var site = NodeId.Parse(R.Nodes[vm]).Site;
            if (await LiveStandbyAsync(vm) is { } standby && NodeId.Parse(standby).Site != site)
                continue;
            try
            {
                var apart = spec with { Constraints = [.. spec.AllConstraints, new Ban([vm], [site])] };
                var plan = await WithinPoliciesAsync(steered => PlanAsync(PlacementProblem.For(steered, current, [vm]), R.Requester ?? Requester.AtNode(R.Nodes[vm]), null), apart);
                await RequirePolicyAsync("standby", vm, plan[vm].Host.Node, template.Image);
                await Recovery(vm).KeepStandbyOnAsync(plan[vm].Host.Node);
                logger.LogInformation("VE {Ve}: {Vm} on {Node} keeps its standby on {Standby}", Id, vm, R.Nodes[vm], plan[vm].Host.Node);
            }
            catch (Exception e) when (e is PlacementFailedException or InsufficientCapacityException or VmTransitionException or SiteUnavailableException or PolicyViolationException or VeOperationException)
            {
                logger.LogWarning("VE {Ve}: no standby for {Vm} on another site than {Site} yet ({Reason}); it restarts where placement says if its node is lost", Id, vm, site, e.Message);
            }
        }
    }

    // Each protected VM placed is watched on its node (Reliability/VmWatcherGrain). Told again after each deployment,
    // recovery round and snapshot tick: a VM tells its watchers one-way, and such a message may be lost with a silo.
    private async Task WatchProtectedAsync()
    {
        if (R.Spec is not { } spec)
            return;
        foreach (var vm in spec.Instances().Where(i => i.Template.Ha.IsProtected()).Select(i => i.Vm).Where(R.Nodes.ContainsKey))
        {
            try
            {
                await Recovery(vm).ProtectAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("VE {Ve}: the watcher of {Vm} could not be set up yet: {Reason}", Id, vm, e.Message);
            }
        }
    }

    private IGrainTimer? _recoveryRetry;
    private bool _recoveryReminderSet;

    private async Task ScheduleRecoveryRetryAsync()
    {
        if (R.AwaitingCapacity.Count == 0)
        {
            _recoveryRetry?.Dispose();
            _recoveryRetry = null;
            _recoveryReminderSet = false;
            await this.TryUnregisterAsync(RecoveryReminder, logger); // if refused, its next tick finds nothing waiting and retries
            return;
        }
        var every = options.Value.RecoveryRetryInterval;
        _recoveryRetry ??= this.RegisterGrainTimer(RestartAwaitingAsync, new GrainTimerCreationOptions(every, every) { KeepAlive = true });
        if (!_recoveryReminderSet)
        {
            var period = every < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : every; // reminders tick once a minute at most
            _recoveryReminderSet = await this.TryRegisterAsync(RecoveryReminder, period, logger); // else the timer's next round retries
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName switch
    {
        RecoveryReminder => RestartAwaitingAsync(),
        SnapshotReminder => SnapshotProtectedVmsAsync(),
        _ => Task.CompletedTask,
    };

    // The VE's protected VMs are snapshotted on a reminder, which outlives silos; registered from a timer that tries
    // again until the reminder service takes it, so that a deployment never waits on that service.
    private const string SnapshotReminder = "snapshots";
    private IGrainTimer? _snapshotRegistration;

    private void ScheduleSnapshots()
    {
        if (R.Spec?.SnapshotEveryMinutes is not { } minutes || _snapshotRegistration is not null)
            return;
        _snapshotRegistration = this.RegisterGrainTimer(async () =>
        {
            if (R.Nodes.Count == 0 || await this.TryEnsureAsync(SnapshotReminder, TimeSpan.FromMinutes(minutes), logger))
            {
                _snapshotRegistration?.Dispose();
                _snapshotRegistration = null;
            }
        }, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromMinutes(1)));
    }

    private async Task SnapshotProtectedVmsAsync()
    {
        if (R.Spec is not { } spec || R.Nodes.Count == 0)
        {
            await this.TryUnregisterAsync(SnapshotReminder, logger);
            return;
        }
        await KeepStandbysAsync(); // a standby whose site went down is replaced
        await WatchProtectedAsync();
        var protectedVms = spec.Instances().Where(i => i.Template.Ha.IsProtected()).Select(i => i.Vm)
            .Where(vm => R.Nodes.ContainsKey(vm) && !R.AwaitingCapacity.ContainsKey(vm));
        foreach (var vm in protectedVms)
        {
            try
            {
                await Recovery(vm).SnapshotAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The previous snapshot stays; the next tick tries again.
                logger.LogWarning("VE {Ve}: snapshot of {Vm} failed: {Reason}", Id, vm, e.Message);
            }
        }
    }

    // Retried through a database restart; if it still fails, this activation goes, and the request's retry (same id)
    // runs on what storage holds, not on a state that was never stored (DurableRecord).
    private Task WriteRecordAsync() => DurableRecord.WriteAsync(record, DeactivateOnIdle, logger, $"VE {Id}");

    private IVmRecoveryGrain Recovery(string vm) => GrainFactory.GetGrain<IVmRecoveryGrain>(Id.Vm(vm).Value);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ScheduleRecoveryRetryAsync(); // protected VMs still waiting for a node are tried again after a restart too
        if (R.Nodes.Count > 0)
            ScheduleSnapshots(); // registered if missing (the deployment's silo may have died first); never pushed back
        await base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string requestId)
    {
        await OnceAsync(requestId, "delete", async () =>
        {
            await RemoveVmsAsync(R.Nodes.Keys.ToList()); // their snapshots go with them
            await RemoveStrayVmsAsync();
            await this.TryUnregisterAsync(SnapshotReminder, logger); // else its next tick, finding no VE, removes it
            var gone = new VeInfo(Id.ToString(), VeStatus.None, null, null, []);
            await record.ClearStateAsync();
            await Directory.RemoveAsync(Id.ToString());
            // The VE's subnet and VNI go back to the pools (IPAM: Networks/TenantNetworkGrain), its resources to its quota.
            await GrainFactory.GetGrain<Abstractions.Networks.ITenantNetworkGrain>(Id.Tenant).ReleaseAsync(Id.ToString());
            await Quota.ReleaseAsync(Id.ToString());
            await ProgressAsync("delete", 1, 1, "deleted");
            return gone;
        });
    }

    /// <inheritdoc />
    public async Task<VeInfo> LocateAsync()
    {
        var info = await DescribeAsync();
        var unrecorded = info.Vms.Where(v => v.State == VmState.None && R.Nodes.ContainsKey(v.Vm)).Select(v => v.Vm).ToList();
        if (_operations > 0 || unrecorded.Count == 0)
            return info;
        // A VM this record places has no record of its own, and no operation of this VE is removing VMs: this
        // activation may be a stale twin (Orleans' default directory can keep two activations of a grain while silos
        // die) whose record the other one changed or deleted. Read what storage holds; if the VE is gone, go too, so
        // that later calls find the live activation (chaos suite: a deleted VE kept answering Running).
        logger.LogWarning("VE {Ve}: VM(s) {Vms} placed by this activation's record have no record; reading the VE's record again", Id, string.Join(", ", unrecorded));
        await record.ReadStateAsync();
        if (R.Spec is null)
            DeactivateOnIdle();
        return await DescribeAsync();
    }

    private async Task<VeInfo> DescribeAsync()
    {
        var spec = R.Spec;
        if (spec is null)
            return new VeInfo(Id.ToString(), VeStatus.None, null, null, []);
        var requester = R.Requester;
        var vms = await Task.WhenAll(spec.Instances().Select(async i =>
        {
            if (!R.Nodes.TryGetValue(i.Vm, out var node))
                return new VmPlacement(i.Vm, null, null, VmState.None, null);
            var info = await Vm(i.Vm).GetInfoAsync();
            var host = Host(info.Node ?? node);
            return new VmPlacement(i.Vm, host.Node, host.Site, info.State, requester is null ? null : latency.RttMs(requester, host));
        }));
        var status = R.Status == VeStatus.Running && vms.Any(v => v.State == VmState.Failed) ? VeStatus.Degraded : R.Status;
        return new VeInfo(Id.ToString(), status, spec, requester?.ToString(), vms);
    }

    // Plans, then reserves every VM on its node; when a node turns out fuller than its site said, releases what this
    // attempt reserved and plans again with fresh loads.
    private async Task<IReadOnlyDictionary<string, Candidate>> ReserveAsync(PlacementProblem problem, Requester requester, double? maxRttMs, string operation, int total)
    {
        var spec = RequireSpec();
        var templates = spec.Instances().ToDictionary(i => i.Vm, i => i.Template);
        string? lastRefusal = null;
        for (var attempt = 1; attempt <= options.Value.MaxReservationAttempts; attempt++)
        {
            var plan = await PlanAsync(problem, requester, maxRttMs);
            var reserved = new List<string>();
            try
            {
                foreach (var (vm, candidate) in plan)
                {
                    await RequirePolicyAsync(operation, vm, candidate.Host.Node, templates[vm].Image);
                    await Vm(vm).DefineAsync(templates[vm].Spec, candidate.Host.Node);
                    reserved.Add(vm);
                    await ProgressAsync(operation, reserved.Count, total, $"{vm} reserved on {candidate.Host.Node} ({candidate.RttMs:0.#} ms away)");
                }
                return plan;
            }
            catch (PolicyViolationException)
            {
                await RemoveVmsAsync(reserved);
                throw;
            }
            catch (Exception e) when (e is InsufficientCapacityException or VmTransitionException or SiteUnavailableException)
            {
                lastRefusal = e.Message;
                logger.LogInformation("VE {Ve}: attempt {Attempt} to reserve failed ({Reason}); releasing and planning again", Id, attempt, e.Message);
                await RemoveVmsAsync(reserved);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // No answer (a timeout, a silo gone): the VM in flight may have reserved its node all the same.
                // Release what can be released now; what cannot is a stray the next deploy or the delete removes.
                var inFlight = plan.Keys.Where(vm => !reserved.Contains(vm)).Take(1);
                try
                {
                    await RemoveVmsAsync([.. reserved, .. inFlight]);
                }
                catch (Exception cleanup) when (cleanup is not OutOfMemoryException)
                {
                    logger.LogWarning("VE {Ve}: VMs reserved by a failed deployment not released yet ({Reason})", Id, cleanup.Message);
                }
                throw;
            }
        }
        throw new PlacementFailedException($"VE {Id}: nodes kept refusing the planned VMs after {options.Value.MaxReservationAttempts} attempts; last: {lastRefusal}");
    }

    // Adds the sites nearest the requester one at a time until the search finds a placement.
    private async Task<IReadOnlyDictionary<string, Candidate>> PlanAsync(PlacementProblem problem, Requester requester, double? maxRttMs)
    {
        if (options.Value.Candidates == PlacementCandidates.Coordinates && await PlanByCoordinatesAsync(problem, requester, maxRttMs) is { } byCoordinates)
            return byCoordinates;
        var planner = new LocalityFirstPlanner(new PlacementSearch(options.Value.MaxSearchSteps));
        var sites = nearest.SitesByDistance(requester, maxRttMs);
        var plan = await planner.PlanAsync(problem, sites, site => nearest.RingAsync(requester, site, maxRttMs));
        if (plan.Outcome.Succeeded)
            return plan.Outcome.Plan!;
        var reach = maxRttMs is { } max ? $" within {max} ms of {requester}" : "";
        throw new PlacementFailedException($"VE {Id}: no placement{reach} across {sites.Count} sites: {(sites.Count == 0 ? "no site is up" : plan.Outcome.Failure)}");
    }

    // The spiral search around the requester's coordinate, asking for twice as many nodes each time the placement
    // does not fit yet. Null when the requester's coordinate is not trustworthy or the nodes found cannot hold the VE:
    // the caller then falls back to the sites by geography.
    private async Task<IReadOnlyDictionary<string, Candidate>?> PlanByCoordinatesAsync(PlacementProblem problem, Requester requester, double? maxRttMs)
    {
        if (await nearest.TrustedCoordinateOfAsync(requester) is not { } at)
            return null;
        var search = new PlacementSearch(options.Value.MaxSearchSteps);
        var seen = -1;
        for (var k = Math.Max(MinNearest, 4 * problem.Vms.Count); k <= MaxNearest; k *= 2)
        {
            var candidates = await nearest.NearestByCoordinatesAsync(at, k, maxRttMs);
            if (candidates.Count == seen)
                break; // the search finds nobody new: widening further is pointless
            seen = candidates.Count;
            var outcome = search.Solve(problem, candidates);
            if (outcome.Succeeded)
                return outcome.Plan;
        }
        logger.LogDebug("VE {Ve}: no placement among the nodes nearest {Requester} by coordinates; trying sites by geography", Id, requester);
        return null;
    }

    private async Task<VeInfo> ForEachVmAsync(string operation, VeStatus[] from, VeStatus to, Func<IVmGrain, VmState, Task<VmInfo>?> act)
    {
        RequireSpec();
        if (!from.Contains(R.Status) && R.Status != to)
            throw new VeOperationException($"VE {Id} is {R.Status}; {operation} needs {string.Join(" or ", from)}");
        var done = 0;
        foreach (var vm in R.Nodes.Keys.Order(StringComparer.Ordinal))
        {
            var grain = Vm(vm);
            if (act(grain, (await grain.GetInfoAsync()).State) is { } call)
                await call;
            await ProgressAsync(operation, ++done, R.Nodes.Count, $"{vm}: {operation} done");
        }
        R.Status = to;
        await WriteRecordAsync();
        return await LocateAsync();
    }

    // VMs of the spec that this record does not place but that have a record of their own: left by a deployment
    // whose VE silo died, or whose call to a VM timed out, after the VM reserved its node (chaos suite: a deleted VE
    // left such a VM behind, and its node's loss later marked it Failed). They go, with their reservations.
    private async Task RemoveStrayVmsAsync()
    {
        if (R.Spec is not { } spec)
            return;
        var strays = new List<string>();
        foreach (var vm in spec.Instances().Select(i => i.Vm).Where(vm => !R.Nodes.ContainsKey(vm)))
        {
            if ((await Vm(vm).GetInfoAsync()).State != VmState.None)
                strays.Add(vm);
        }
        if (strays.Count == 0)
            return;
        logger.LogWarning("VE {Ve}: VM(s) {Vms} were reserved by an interrupted deployment that this record does not place; removing them", Id, string.Join(", ", strays));
        await RemoveVmsAsync(strays);
    }

    private async Task RemoveVmsAsync(IEnumerable<string> vms)
    {
        foreach (var vm in vms)
        {
            var grain = Vm(vm);
            var state = (await grain.GetInfoAsync()).State;
            if (state is VmState.Running or VmState.Suspended)
                await grain.StopAsync(force: true);
            await grain.DeleteAsync();
        }
    }

    // Checks that need the infrastructure: images that exist, and VMs that fit on some node.
    private async Task<List<string>> InfrastructureProblemsAsync(VeSpec spec)
    {
        if (spec.Validate().Count > 0)
            return [];
        var problems = new List<string>();
        foreach (var image in spec.Vms.Select(v => v.Image).OfType<string>().Distinct())
        {
            if (await GrainFactory.GetGrain<IImageGrain>(image).GetInfoAsync() is null)
                problems.Add($"image '{image}' (VM {string.Join(", ", spec.Vms.Where(v => v.Image == image).Select(v => v.Name))}) is unknown");
        }
        var loads = (await Task.WhenAll(topology.SitesUp().Select(s => GrainFactory.GetGrain<ISiteGrain>(s).GetLoadsAsync()))).SelectMany(l => l).ToList();
        foreach (var template in spec.Vms.Where(t => !loads.Any(l => l.Capacity.Holds(t.Demand))))
        {
            var largest = loads.MaxBy(l => l.Capacity.Vcpus);
            problems.Add(largest is null
                ? $"VM '{template.Name}' cannot run anywhere: no node is registered on a site that is up"
                : $"VM '{template.Name}' needs {template.Demand}, more than any node has (the largest, {largest.Node}, has {largest.Capacity})");
        }
        return problems;
    }

    private async Task<Requester> ResolveAsync(Locality locality)
    {
        if (locality.Validate() is { } problem)
            throw new ArgumentException($"VE {Id}: {problem}");
        return locality.Kind switch
        {
            LocalityKind.Site => new Requester(locality.Target!),
            LocalityKind.Node => Requester.AtNode(locality.Target!),
            // A point: the node nearest it, found by the spiral search over the agents, stands in for it.
            LocalityKind.Coordinate => (await GrainFactory.GetGrain<ILocalityGrain>(0)
                    .NearestAsync(new NearestQuery(NearestTarget.OfCoordinate(locality.Coordinate!), K: 1))).Nodes.FirstOrDefault() is { } nearest
                ? Requester.AtNode(nearest.Node)
                : throw new PlacementFailedException($"VE {Id}: no node with a coordinate was found near {locality}"),
            _ => RequestContext.Get(Locality.CallerSiteContextKey) is string site
                ? new Requester(site)
                : throw new VeOperationException($"VE {Id}: the caller's site is unknown; connect with DiscoveryClient (it finds its gateway's site) or place the VE near a site or node"),
        };
    }

    // Runs a state-changing request once: a retry with the same id gets the first outcome, result or error.
    private async Task<VeInfo> OnceAsync(string requestId, string operation, Func<Task<VeInfo>> run)
    {
        if (string.IsNullOrWhiteSpace(requestId))
            throw new ArgumentException($"VE {Id}: {operation} needs a request id (any unique string, reused only to retry)", nameof(requestId));
        if (R.Requests.FirstOrDefault(r => r.RequestId == requestId) is { } done)
        {
            if (done.Operation != operation)
                throw new VeOperationException($"VE {Id}: request id '{requestId}' was already used for {done.Operation}, not {operation}");
            return done.Error is null ? done.Result! : throw Rebuild(done);
        }
        _operations++;
        try
        {
            var result = await run();
            await RememberAsync(new CompletedRequest(requestId, operation, result));
            return result;
        }
        catch (Exception e) when (e is InvalidVeSpecException or PlacementFailedException or VeOperationException)
        {
            await RememberAsync(new CompletedRequest(requestId, operation, null, e.Message, e.GetType().Name));
            throw;
        }
        finally
        {
            _operations--;
        }
    }

    // Tenant operations running in this activation (LocateAsync interleaves with them).
    private int _operations;

    private async Task RememberAsync(CompletedRequest request)
    {
        if (request.Operation == "delete")
            return; // a deleted VE has no record left to remember in; deleting twice is harmless anyway
        R.Requests.Add(request);
        if (R.Requests.Count > options.Value.RememberedRequests)
            R.Requests.RemoveAt(0);
        await WriteRecordAsync();
    }

    private static Exception Rebuild(CompletedRequest done) => done.ErrorKind switch
    {
        nameof(InvalidVeSpecException) => new InvalidVeSpecException(done.Error!),
        nameof(PlacementFailedException) => new PlacementFailedException(done.Error!),
        _ => new VeOperationException(done.Error!),
    };

    private VeSpec RequireSpec() =>
        R.Spec ?? throw new VeOperationException($"VE {Id} is not configured; configure it with a spec first");

    // Where the VE's record places each VM, as placement and constraints see it.
    private Dictionary<string, PlacementHost> Placement() => R.Nodes.ToDictionary(n => n.Key, n => Host(n.Value));

    // The VMs a plan puts on another node than they are on, in the spec's order (as the progress reports them).
    private List<string> MovesOf(VeSpec spec, IReadOnlyDictionary<string, Candidate> plan) =>
        spec.Instances().Select(i => i.Vm).Where(v => plan.TryGetValue(v, out var c) && c.Host.Node != R.Nodes[v]).ToList();

    // Those of the VMs whose own record says Failed (their node was lost and they were not protected), with why.
    private async Task<List<(string Vm, string? Failure)>> FailedAsync(IEnumerable<string> vms) =>
        (await Task.WhenAll(vms.Select(async vm => (Vm: vm, Info: await Vm(vm).GetInfoAsync()))))
            .Where(v => v.Info.State == VmState.Failed).Select(v => (v.Vm, v.Info.Failure)).ToList();

    private PlacementHost Host(string node)
    {
        var id = NodeId.Parse(node);
        return new PlacementHost(id.ToString(), id.Site, latency.RegionOf(id.Site));
    }

    private IVmGrain Vm(string vm) => GrainFactory.GetGrain<IVmGrain>(Id.Vm(vm).Value);

    private async Task ProgressAsync(string operation, int done, int total, string message)
    {
        try
        {
            var stream = this.GetStreamProvider(Abstractions.Events.DiscoveryStreams.Provider)
                .GetStream<VeProgress>(StreamId.Create(VeStreams.Namespace, Id.ToString()));
            await stream.OnNextAsync(new VeProgress(Id.ToString(), time.GetUtcNow(), operation, done, total, message));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "VE {Ve}: could not publish progress of {Operation}", Id, operation);
        }
    }
}
