using Discovery.Abstractions.Environments.Constraints;

namespace Discovery.Abstractions.Environments;

/// <summary>What a tenant deploys: a set of VMs, the constraints on their placement, and where to be close to.</summary>
/// <param name="Vms">The kinds of VM, each with its replica count.</param>
/// <param name="Constraints">Placement constraints over the VMs.</param>
/// <param name="Near">Where the VE should run close to; null: near the caller.</param>
/// <param name="SnapshotEveryMinutes">
/// How often the VE's protected VMs (<see cref="HaMode.Restart"/>, <see cref="HaMode.Replica"/>) are snapshotted, so that a restart after their node
/// is lost starts from the latest snapshot rather than from the image; null: never.
/// </param>
[GenerateSerializer, Immutable, Alias("discovery.ve-spec")]
public sealed record VeSpec(
    [property: Id(0)] IReadOnlyList<VmTemplate> Vms,
    [property: Id(1)] IReadOnlyList<PlacementConstraint>? Constraints = null,
    [property: Id(2)] Locality? Near = null,
    [property: Id(3)] int? SnapshotEveryMinutes = null)
{
    /// <summary>The most VM instances one VE may hold.</summary>
    public const int MaxInstances = 1000;

    /// <summary>The longest snapshot interval, a week.</summary>
    public const int MaxSnapshotEveryMinutes = 7 * 24 * 60;

    /// <summary>Constraints, never null.</summary>
    public IReadOnlyList<PlacementConstraint> AllConstraints => Constraints ?? [];

    /// <summary>Every VM instance, in template order: (instance name, template).</summary>
    public IReadOnlyList<(string Vm, VmTemplate Template)> Instances() =>
        Vms.SelectMany(t => t.Instances.Select(i => (i, t))).ToList();

    /// <summary>The instance names <paramref name="constraint"/> applies to (a template name stands for its replicas).</summary>
    public IReadOnlyList<string> MembersOf(PlacementConstraint constraint) =>
        constraint.Vms.Count == 0
            ? Instances().Select(i => i.Vm).ToList()
            : Instances().Where(i => constraint.Vms.Contains(i.Template.Name) || constraint.Vms.Contains(i.Vm)).Select(i => i.Vm).ToList();

    /// <summary>
    /// Every constraint the VMs placed as in <paramref name="placed"/> break, one line per VM ("web-1 on lyon/node-2
    /// breaks Spread(web) …"); empty when the placement keeps them all. VMs missing from the map are not placed.
    /// </summary>
    public IReadOnlyList<string> Breaches(IReadOnlyDictionary<string, PlacementHost> placed)
    {
        var breaches = new List<string>();
        foreach (var constraint in AllConstraints)
        {
            var bound = MembersOf(constraint).Where(placed.ContainsKey).Select(vm => new PlacedVm(vm, placed[vm])).ToList();
            foreach (var vm in bound)
            {
                if (constraint.Reject(vm.Host, bound.Where(b => b.Vm != vm.Vm).ToList()) is { } reason)
                    breaches.Add($"{vm.Vm} on {vm.Host.Node} breaks {reason}");
            }
        }
        return breaches;
    }

    /// <summary>
    /// Every problem that makes the spec unusable on its own — no VM, bad names or resources, a constraint naming an
    /// unknown VM, contradictory constraints — each naming the VM and the constraint. Empty when the spec is sound.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Vms is not { Count: > 0 })
            return ["a VE needs at least one VM"];
        problems.AddRange(Vms.Select(t => t is null ? "a VM entry is empty" : t.Validate()).OfType<string>());
        if (problems.Count > 0)
            return problems;

        var instances = Instances();
        problems.AddRange(instances.GroupBy(i => i.Vm).Where(g => g.Count() > 1).Select(g => $"VM name '{g.Key}' is used twice"));
        if (instances.Count > MaxInstances)
            problems.Add($"a VE holds at most {MaxInstances} VMs (this one has {instances.Count})");
        if (Near?.Validate() is { } badLocality)
            problems.Add(badLocality);
        if (SnapshotEveryMinutes is null && instances.FirstOrDefault(i => i.Template.Ha == HaMode.Replica) is { Vm: not null } replica)
            problems.Add($"VM '{replica.Template.Name}' has ha: Replica, whose standby is refreshed by snapshots: set snapshotEveryMinutes");
        if (SnapshotEveryMinutes is < 1 or > MaxSnapshotEveryMinutes)
            problems.Add($"snapshotEveryMinutes is {SnapshotEveryMinutes}: snapshots are taken every 1 to {MaxSnapshotEveryMinutes} minutes (a week)");
        foreach (var constraint in AllConstraints)
        {
            if (constraint is null)
            {
                problems.Add("a constraint entry is empty");
                continue;
            }
            if (constraint.ValidateArguments() is { } badArguments)
                problems.Add($"{constraint}: {badArguments}");
            var unknown = (constraint.Vms ?? []).Where(v => !Vms.Any(t => t.Name == v) && !instances.Any(i => i.Vm == v)).ToList();
            if (unknown.Count > 0)
                problems.Add($"{constraint} names VM {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which the VE does not have");
        }
        return problems.Count > 0 ? problems : Conflicts();
    }

    private List<string> Conflicts()
    {
        var bound = AllConstraints.Select(c => (Constraint: c, Members: MembersOf(c).ToHashSet())).ToList();
        var problems = new List<string>();
        for (var i = 0; i < bound.Count; i++)
        {
            for (var j = 0; j < bound.Count; j++)
            {
                if (i == j)
                    continue;
                var shared = bound[i].Members.Intersect(bound[j].Members).Order().ToList();
                if (bound[i].Constraint.ConflictWith(bound[j].Constraint, shared) is { } conflict)
                    problems.Add(conflict);
            }
        }
        return problems;
    }
}
