using Discovery.Abstractions.Events;

namespace Discovery.Dashboard.Services;

/// <summary>How the console names and describes an event, and what it is about (for filtering).</summary>
public static class EventText
{
    /// <summary>A short name of the event's kind.</summary>
    public static string Kind(DiscoveryEvent e) => e switch
    {
        NodeJoined => "node joined",
        NodeLeft => "node left",
        NodeUnreachable => "node unreachable",
        NodeStatusChanged => "node status",
        NeighboursChanged => "neighbours",
        CoordinateChanged => "coordinate",
        VmStateChanged => "VM state",
        NodeDrainProgress => "drain",
        SchedulingStepped => "scheduling",
        _ => e.GetType().Name,
    };

    /// <summary>One sentence saying what happened.</summary>
    public static string Describe(DiscoveryEvent e) => e switch
    {
        NodeJoined j => $"{j.Node} joined",
        NodeLeft l => $"{l.Node} left",
        NodeUnreachable u => $"{u.Node} is unreachable: {u.Reason}",
        NodeStatusChanged s => $"{s.Node} is now {s.Status}",
        NeighboursChanged n => $"{n.Cause}: {string.Join(", ", n.Nodes)}",
        CoordinateChanged c => $"{c.Node} moved (error {c.Coordinate.Error:0.00})",
        VmStateChanged v => $"{v.Vm}: {v.From} → {v.To}" + (v.Node is null ? "" : $" on {v.Node}") + (v.Detail is null ? "" : $" ({v.Detail})"),
        NodeDrainProgress d => $"drain of {d.Node}: {d.Done}/{d.Total} — {d.Message}",
        SchedulingStepped s => $"{s.Node} {s.Step}: {s.Detail}",
        VmFenced f => $"{f.Node} destroyed its stale copy of {f.Vm}, which now runs on {f.Owner}",
        _ => e.ToString(),
    };

    /// <summary>The nodes and VMs the event is about, for the filter box.</summary>
    public static IEnumerable<string> Subjects(DiscoveryEvent e) => e switch
    {
        NodeJoined j => [j.Node],
        NodeLeft l => [l.Node],
        NodeUnreachable u => [u.Node],
        NodeStatusChanged s => [s.Node],
        NeighboursChanged n => n.Nodes,
        CoordinateChanged c => [c.Node],
        VmStateChanged v => v.Node is null ? [v.Vm] : [v.Vm, v.Node],
        NodeDrainProgress d => [d.Node],
        SchedulingStepped s => [s.Node],
        VmFenced f => [f.Vm, f.Node, f.Owner],
        _ => [],
    };

    /// <summary>True when <paramref name="filter"/> (site, node, VM or VE, case-insensitive) is empty or matches.</summary>
    public static bool Matches(DiscoveryEvent e, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
            return true;
        var f = filter.Trim();
        return e.Site.Contains(f, StringComparison.OrdinalIgnoreCase)
               || Subjects(e).Any(s => s.Contains(f, StringComparison.OrdinalIgnoreCase))
               || Kind(e).Contains(f, StringComparison.OrdinalIgnoreCase);
    }
}
