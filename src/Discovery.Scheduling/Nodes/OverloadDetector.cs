namespace Discovery.Scheduling.Nodes;

/// <summary>
/// Turns a stream of node observations into Overload and Underload events. A condition must hold for
/// <see cref="OverloadOptions.SustainSeconds"/> before its event is raised, and it is raised once per episode: the
/// node must go back to normal (or be <see cref="Reset"/>, e.g. after a procedure gave up) to raise it again.
/// </summary>
public sealed class OverloadDetector(OverloadOptions options)
{
    private readonly OverloadOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
    private readonly Dictionary<string, (NodeEventKind? Condition, double Since, bool Raised)> _nodes = [];

    /// <summary>Records <paramref name="node"/> as seen at <paramref name="timeSeconds"/>; returns the event it raises now, if any.</summary>
    public NodeEvent? Observe(NodeState node, double timeSeconds)
    {
        ArgumentNullException.ThrowIfNull(node);
        var condition = ConditionOf(node);
        var seen = _nodes.GetValueOrDefault(node.Node, (null, timeSeconds, false));
        if (seen.Condition != condition)
            seen = (condition, timeSeconds, false);
        NodeEvent? raised = null;
        if (condition is { } kind && !seen.Raised && timeSeconds - seen.Since >= _options.SustainSeconds)
        {
            raised = new NodeEvent(node.Node, kind);
            seen.Raised = true;
        }
        _nodes[node.Node] = seen;
        return raised;
    }

    /// <summary>Forgets that <paramref name="node"/>'s current condition was raised, so it is raised again once sustained.</summary>
    public void Reset(string node) => _nodes.Remove(node);

    /// <summary>Overload, Underload or null (normal) for <paramref name="node"/> as it is now, ignoring duration.</summary>
    public NodeEventKind? ConditionOf(NodeState node)
    {
        var load = node.Load;
        var cpu = node.Capacity.Cpus > 0 ? load.Cpu / node.Capacity.Cpus : double.PositiveInfinity;
        var memory = node.Capacity.MemoryMiB > 0 ? (double)load.MemoryMiB / node.Capacity.MemoryMiB : double.PositiveInfinity;
        if (cpu > _options.OverloadThreshold + 1e-9 || memory > _options.OverloadThreshold + 1e-9)
            return NodeEventKind.Overload;
        // An empty node has nothing to consolidate: it is already a standby candidate.
        if (node.Vms.Count > 0 && cpu < _options.UnderloadThreshold && memory < _options.UnderloadThreshold)
            return NodeEventKind.Underload;
        return null;
    }
}
