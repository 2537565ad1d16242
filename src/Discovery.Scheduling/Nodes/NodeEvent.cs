namespace Discovery.Scheduling.Nodes;

/// <summary>What went wrong on a node.</summary>
public enum NodeEventKind
{
    /// <summary>Its VMs want more CPU or memory than it has: move some away.</summary>
    Overload,

    /// <summary>It is lightly loaded: empty it so it can go to standby.</summary>
    Underload,
}

/// <summary>An event a node raises and a scheduling procedure handles.</summary>
public sealed record NodeEvent(string Node, NodeEventKind Kind)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} of {Node}";
}
