using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Reliability;

namespace Discovery.Chaos;

/// <summary>What the checker found.</summary>
/// <param name="Violations">Every broken invariant, one line each; empty when the system is consistent.</param>
/// <param name="VesChecked">VEs of the history looked at.</param>
/// <param name="VmRecords">VM records found.</param>
/// <param name="Domains">Domains the hypervisors hold.</param>
/// <param name="VmsRecovered">VMs whose record has a generation above zero: restarted elsewhere at least once.</param>
/// <param name="Restarts">Restarts in all (the sum of the generations).</param>
public sealed record CheckResult(IReadOnlyList<string> Violations, int VesChecked, int VmRecords, int Domains, int VmsRecovered, long Restarts);

/// <summary>
/// Reads the stored records (VE and VM grains, backed by PostgreSQL), the node agents' reservations and the
/// hypervisors' domains, and holds them to what the tenants were told (<see cref="History"/>).
/// </summary>
/// <remarks>
/// "No VM runs twice", with libvirt's test driver: a node's domains live in its silo's process, so a killed silo's
/// nodes lose every domain — the "node died" case — and a paused silo keeps them, frozen, while its VMs may be
/// restarted elsewhere. So the invariant is checked where a second copy can exist: at check time, among the domains
/// every hypervisor reports, a VM's domain is active (running or paused) on at most one node, and any domain of a VM
/// (even shut off) is on the node its record names — a paused silo that came back must have destroyed its stale
/// copies (fencing by the record's generation), not resumed them. The node agents' reservations obey the same rule
/// (no orphan reservation), so a stale copy cannot keep capacity either.
/// </remarks>
public sealed class InvariantChecker(IClusterClient grains, ChaosOptions options, History history)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Checks every invariant once.</summary>
    public async Task<CheckResult> CheckAsync()
    {
        var violations = new List<string>();
        var nodes = await ReadNodesAsync(violations);
        var ves = await ReadVesAsync(violations);
        var records = ves.SelectMany(v => v.Vms).Where(r => r.State != VmState.None).ToDictionary(r => r.Id);
        var byDomain = history.Ves.Values.SelectMany(v => v.Spec.Instances().Select(i => VmId.Parse($"{v.Name}/{i.Vm}")))
            .ToDictionary(id => id.DomainName, id => id.Value);

        foreach (var ve in ves)
            CheckAcknowledged(ve, violations);
        CheckReservations(nodes, records, violations);
        CheckDomains(nodes, records, byDomain, violations);
        foreach (var ve in ves.Where(v => v.Info.Spec is not null))
            CheckConstraints(ve.Info, violations);
        await CheckWatchedAsync(ves, violations);
        await CheckChunksAsync(violations);

        var generations = records.Values.Select(r => r.Generation).ToList();
        return new CheckResult(violations, ves.Count, records.Count, nodes.Sum(n => n.Domains.Count),
            generations.Count(g => g > 0), generations.Sum());
    }

    // Every acknowledged (not deleted) VE exists with all its VMs; protected VMs run (or sleep, if suspended) on a
    // node; an acknowledged deletion left nothing behind.
    private static void CheckAcknowledged(VeState ve, List<string> violations)
    {
        var model = ve.Model;
        if (model.MustExist && ve.Info.Status == VeStatus.None)
            violations.Add($"VE {model.Name}: its creation was acknowledged, it was never deleted, and it is gone");
        if (model.DeleteAcknowledged && (ve.Info.Status != VeStatus.None || ve.Vms.Any(v => v.State != VmState.None)))
            violations.Add($"VE {model.Name}: its deletion was acknowledged, but it is {ve.Info.Status} with VM records " +
                           string.Join(", ", ve.Vms.Where(v => v.State != VmState.None).Select(v => $"{v.Id} {v.State}")));
        if (!model.MustBeDeployed)
            return;
        var protectedVms = model.Spec.Instances().Where(i => i.Template.Ha.IsProtected()).Select(i => $"{model.Name}/{i.Vm}").ToHashSet();
        foreach (var vm in ve.Vms)
        {
            if (vm.State == VmState.None || vm.Node is null)
                violations.Add($"VM {vm.Id}: its VE's deployment was acknowledged and the VM has no record");
            else if (protectedVms.Contains(vm.Id) && vm.State is not (VmState.Running or VmState.Suspended))
                violations.Add($"VM {vm.Id} (ha: restart) is {vm.State} on {vm.Node}, not running again{(vm.Failure is null ? "" : $": {vm.Failure}")}");
            else if (!protectedVms.Contains(vm.Id) && vm.State is not (VmState.Running or VmState.Suspended or VmState.Failed))
                violations.Add($"VM {vm.Id} is {vm.State} on {vm.Node}: a deployed VM runs, sleeps, or failed with its node");
        }
    }

    // Every VM record's node holds its reservation; every reservation belongs to a VM recorded on that node; no node
    // has given out more than it has.
    private static void CheckReservations(IReadOnlyList<NodeState> nodes, IReadOnlyDictionary<string, VmInfo> records, List<string> violations)
    {
        var holders = nodes.SelectMany(n => (n.Info.Vms ?? []).Select(vm => (Vm: vm, Node: n.Info.Id.ToString()))).ToLookup(h => h.Vm, h => h.Node);
        foreach (var record in records.Values)
        {
            if (!holders[record.Id].Contains(record.Node))
                violations.Add($"VM {record.Id} is recorded {record.State} on {record.Node}, which holds no reservation for it");
        }
        foreach (var (vm, node) in holders.SelectMany(h => h.Select(node => (h.Key, node))))
        {
            if (!records.TryGetValue(vm, out var record) || record.Node != node && record.Standby != node)
                violations.Add($"orphan reservation: node {node} holds VM {vm}, whose record is {(record is null ? "gone" : $"on {record.Node}")}");
        }
        foreach (var node in nodes)
        {
            var free = node.Info.Free;
            if (free.Vcpus < 0 || free.MemoryMiB < 0 || free.DiskGiB < 0)
                violations.Add($"node {node.Info.Id} is over capacity: {node.Info.Allocated} allocated of {node.Info.Spec?.Capacity}");
        }
    }

    private static void CheckDomains(IReadOnlyList<NodeState> nodes, IReadOnlyDictionary<string, VmInfo> records,
        IReadOnlyDictionary<string, string> byDomain, List<string> violations)
    {
        var active = new Dictionary<string, List<string>>();
        foreach (var node in nodes)
        {
            var id = node.Info.Id.ToString();
            foreach (var domain in node.Domains)
            {
                if (!byDomain.TryGetValue(domain.Name, out var vm))
                {
                    violations.Add($"node {id} runs domain {domain.Name}, which is no VM of the workload");
                    continue;
                }
                if (domain.State is VmState.Running or VmState.Suspended)
                    (active.TryGetValue(vm, out var on) ? on : active[vm] = []).Add(id);
                if (!records.TryGetValue(vm, out var record) || record.Node != id)
                    violations.Add($"stale copy: node {id} holds a {domain.State} domain of VM {vm}, whose record is {(record is null ? "gone" : $"on {record.Node}")}");
            }
        }
        foreach (var (vm, on) in active.Where(a => a.Value.Count > 1))
            violations.Add($"VM {vm} runs twice: active domains on {string.Join(" and ", on)}");
        var domains = nodes.ToDictionary(n => n.Info.Id.ToString(), n => n.Domains.ToDictionary(d => d.Name, d => d.State));
        foreach (var record in records.Values.Where(r => r.State is VmState.Running or VmState.Suspended))
        {
            var state = domains.GetValueOrDefault(record.Node!)?.GetValueOrDefault(VmId.Parse(record.Id).DomainName);
            if (state != record.State)
                violations.Add($"VM {record.Id} is recorded {record.State} on {record.Node}, whose hypervisor has it {state?.ToString() ?? "not at all"}");
        }
    }

    // No orphan chunk: every chunk a site stores is referenced by an image, unless it is young enough that the store's
    // sweep (every OrphanSweepAge, for chunks older than that) has not come to it yet.
    private async Task CheckChunksAsync(List<string> violations)
    {
        foreach (var site in options.Sites)
        {
            try
            {
                var orphans = await grains.GetGrain<ISiteChunkStoreGrain>(site).GetUnreferencedAsync(2 * options.OrphanSweepAge).WaitAsync(CallTimeout);
                if (orphans.Count > 0)
                    violations.Add($"orphan chunks: site {site} stores {orphans.Count} chunk(s) no image references, older than {2 * options.OrphanSweepAge.TotalSeconds:0} s, e.g. {orphans[0]}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                violations.Add($"the chunk store of site {site} did not answer: {e.GetBaseException().Message}");
            }
        }
    }

    // Every protected VM that runs or sleeps is watched on its node, for its generation there.
    private async Task CheckWatchedAsync(IReadOnlyList<VeState> ves, List<string> violations)
    {
        foreach (var ve in ves.Where(v => v.Info.Spec is not null))
        {
            var protectedVms = ve.Model.Spec.Instances().Where(i => i.Template.Ha.IsProtected()).Select(i => $"{ve.Model.Name}/{i.Vm}").ToHashSet();
            foreach (var vm in ve.Vms.Where(v => protectedVms.Contains(v.Id) && v.State is VmState.Running or VmState.Suspended && v.Node is not null))
            {
                try
                {
                    var watch = await grains.GetGrain<IVmWatcherGrain>(VmWatcherKeys.Of(vm.Node!, vm.Id)).GetWatchAsync().WaitAsync(CallTimeout);
                    if (watch?.Generation != vm.Generation)
                        violations.Add($"VM {vm.Id} (protected) runs on {vm.Node} as generation {vm.Generation}, which its watcher there does not watch ({(watch is null ? "it watches nothing" : $"it watches generation {watch.Generation}")})");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    violations.Add($"the watcher of VM {vm.Id} on {vm.Node} did not answer: {e.GetBaseException().Message}");
                }
            }
        }
    }

    private static void CheckConstraints(VeInfo ve, List<string> violations)
    {
        var placed = ve.Vms.Where(v => v.Node is not null && v.State != VmState.None)
            .ToDictionary(v => v.Vm, v => new PlacementHost(v.Node!, v.Site ?? NodeId.Parse(v.Node!).Site));
        violations.AddRange(ve.Spec!.Breaches(placed).Select(b => $"VE {ve.Id}: {b}"));
    }

    private async Task<IReadOnlyList<NodeState>> ReadNodesAsync(List<string> violations)
    {
        var names = options.Sites.SelectMany(s => Enumerable.Range(1, options.NodesPerSite).Select(i => $"{s}/node-{i}")).ToList();
        var nodes = new List<NodeState>();
        foreach (var name in names)
        {
            try
            {
                var node = grains.GetGrain<INodeGrain>(name);
                var info = await node.GetInfoAsync().WaitAsync(CallTimeout);
                nodes.Add(new NodeState(info, await node.GetDomainsAsync().WaitAsync(CallTimeout)));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                violations.Add($"node {name} did not answer: {e.GetBaseException().Message}");
            }
        }
        return nodes;
    }

    private async Task<IReadOnlyList<VeState>> ReadVesAsync(List<string> violations)
    {
        var ves = new List<VeState>();
        foreach (var model in history.Ves.Values.OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            try
            {
                var info = await grains.GetGrain<IVeGrain>(model.Name).LocateAsync().WaitAsync(CallTimeout);
                var vms = await Task.WhenAll(model.Spec.Instances().Select(i =>
                    grains.GetGrain<IVmGrain>($"{model.Name}/{i.Vm}").GetInfoAsync().WaitAsync(CallTimeout)));
                ves.Add(new VeState(model, info, vms));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                violations.Add($"VE {model.Name} could not be read: {e.GetBaseException().Message}");
            }
        }
        return ves;
    }

    private sealed record NodeState(NodeInfo Info, IReadOnlyList<HypervisorDomain> Domains);

    private sealed record VeState(VeModel Model, VeInfo Info, IReadOnlyList<VmInfo> Vms);
}
