namespace Discovery.Network.Overlay;

/// <summary>A node hosting VMs of a VE, and the underlay address of the host that carries its overlay traffic.</summary>
public sealed record OverlayMember(string Node, string Underlay);

/// <summary>
/// Which hosts take part in a VE's overlay: the nodes with VMs of the VE, each with its underlay address. Nodes of
/// one silo share one address, hence one VXLAN device: flooding lists and notifications are per address, not per node.
/// </summary>
public static class OverlayMembership
{
    /// <summary>The members once <paramref name="node"/> (at <paramref name="underlay"/>) joined; the same list when nothing changes.</summary>
    public static IReadOnlyList<OverlayMember> Join(IReadOnlyList<OverlayMember> members, string node, string underlay)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        ArgumentException.ThrowIfNullOrWhiteSpace(underlay);
        if (members.Any(m => m.Node == node && m.Underlay == underlay))
            return members;
        return [.. members.Where(m => m.Node != node), new OverlayMember(node, underlay)];
    }

    /// <summary>The members once <paramref name="node"/> left; the same list when it was no member.</summary>
    public static IReadOnlyList<OverlayMember> Leave(IReadOnlyList<OverlayMember> members, string node) =>
        members.Any(m => m.Node == node) ? [.. members.Where(m => m.Node != node)] : members;

    /// <summary>Where the host at <paramref name="local"/> floods: every other member's address, once; nothing if it is no member.</summary>
    public static IReadOnlyList<string> FloodingOf(IReadOnlyList<OverlayMember> members, string local) =>
        members.Any(m => m.Underlay == local)
            ? [.. members.Select(m => m.Underlay).Where(a => a != local).Distinct().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// One node per host whose flooding list must change after <paramref name="changed"/> joined or left, other than
    /// the changed node's own host (which applies the change itself): the hosts of <paramref name="after"/> and of the
    /// members that left.
    /// </summary>
    public static IReadOnlyList<string> ToNotify(IReadOnlyList<OverlayMember> before, IReadOnlyList<OverlayMember> after, OverlayMember changed)
    {
        var byHost = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in after.Concat(before).Where(m => m.Underlay != changed.Underlay))
            byHost.TryAdd(member.Underlay, member.Node);
        return [.. byHost.Values];
    }
}
