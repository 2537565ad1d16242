using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Workload;

namespace Discovery.Scheduling.Planning;

/// <summary>
/// Orders a set of migrations so that each starts only when its target has room for it, as Entropy does: a migration
/// whose target is full waits for another one to free it. When every remaining migration waits on another, they form
/// a cycle and no order works without a pivot node; the answer says which migrations are stuck.
/// </summary>
public static class MigrationOrder
{
    /// <summary>The migrations in a safe order, or null and why none exists.</summary>
    public static (IReadOnlyList<Migration>? Order, string? Failure) Sequence(IReadOnlyList<Migration> migrations, IReadOnlyList<NodeState> nodes)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(nodes);
        var load = nodes.ToDictionary(n => n.Node, n => n.Load);
        var capacity = nodes.ToDictionary(n => n.Node, n => n.Capacity);
        foreach (var m in migrations)
            if (!load.ContainsKey(m.From) || !load.ContainsKey(m.To))
                throw new ArgumentException($"migration {m} names a node that is not among the {nodes.Count} given", nameof(migrations));
        var pending = migrations.ToList();
        var order = new List<Migration>();
        while (pending.Count > 0)
        {
            var next = pending.FindIndex(m => capacity[m.To].Holds(load[m.To] + m.Demand));
            if (next < 0)
                return (null, $"migrations {string.Join(", ", pending)} form a cycle: none can start without putting its target above capacity ("
                    + string.Join("; ", pending.Select(m => m.To).Distinct().Select(n => $"{n} has {load[n]} of {capacity[n]}")) + ")");
            var migration = pending[next];
            pending.RemoveAt(next);
            load[migration.From] -= migration.Demand;
            load[migration.To] += migration.Demand;
            order.Add(migration);
        }
        return (order, null);
    }
}
