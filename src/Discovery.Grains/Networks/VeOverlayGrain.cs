using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Networks;
using Discovery.Network.Overlay;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Networks;

/// <summary>
/// A VE's overlay membership. Thin: <see cref="OverlayMembership"/> decides; this grain stores the members, learns the
/// VE's VNI from its IPAM record and tells the other hosts. It never awaits a node agent (they call it while holding
/// their turn), so the notifications are one-way.
/// </summary>
public sealed class VeOverlayGrain(
    [PersistentState("ve-overlay", StorageNames.State)] IPersistentState<VeOverlayState> state,
    ILogger<VeOverlayGrain> logger) : Grain, IVeOverlayGrain
{
    private VeId Ve => VeId.Parse(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<VeOverlayView> JoinAsync(string node, string underlay)
    {
        var before = Members();
        var after = OverlayMembership.Join(before, node, underlay);
        if (state.State.Vni == 0)
            state.State.Vni = (await GrainFactory.GetGrain<ITenantNetworkGrain>(Ve.Tenant).AllocateAsync(Ve.ToString())).Vni;
        if (ReferenceEquals(before, after))
            return View();
        logger.LogInformation("VE {Ve}: node {Node} joins the overlay (VXLAN {Vni}) from {Underlay}", Ve, node, state.State.Vni, underlay);
        return await ChangeAsync(before, after, new OverlayMember(node, underlay));
    }

    /// <inheritdoc />
    public async Task<VeOverlayView> LeaveAsync(string node)
    {
        var before = Members();
        var after = OverlayMembership.Leave(before, node);
        if (ReferenceEquals(before, after))
            return View();
        logger.LogInformation("VE {Ve}: node {Node} leaves the overlay (VXLAN {Vni})", Ve, node, state.State.Vni);
        return await ChangeAsync(before, after, before.Single(m => m.Node == node));
    }

    /// <inheritdoc />
    public Task<VeOverlayView> GetViewAsync() => Task.FromResult(View());

    private async Task<VeOverlayView> ChangeAsync(IReadOnlyList<OverlayMember> before, IReadOnlyList<OverlayMember> after, OverlayMember changed)
    {
        state.State.Members = [.. after.Select(m => new VeOverlayNode(m.Node, m.Underlay))];
        state.State.Version++;
        var view = View();
        // The VNI is given back when the VE is deleted: the next member asks its IPAM record again.
        if (after.Count == 0)
            state.State.Vni = 0;
        await state.WriteStateAsync();
        foreach (var node in OverlayMembership.ToNotify(before, after, changed))
            GrainFactory.GetGrain<IVeOverlayMemberGrain>(node).ApplyOverlayAsync(view).Ignore();
        return view;
    }

    private IReadOnlyList<OverlayMember> Members() => [.. state.State.Members.Select(m => new OverlayMember(m.Node, m.Underlay))];

    private VeOverlayView View() => new(Ve.ToString(), state.State.Vni, state.State.Version, state.State.Members.ToList());
}

/// <summary>The stored membership of a VE's overlay.</summary>
[GenerateSerializer, Alias("discovery.ve-overlay-state")]
public sealed class VeOverlayState
{
    /// <summary>The VE's VNI, 0 while it has no member.</summary>
    [Id(0)] public int Vni { get; set; }

    /// <summary>Bumped by every change.</summary>
    [Id(1)] public long Version { get; set; }

    /// <summary>The nodes with VMs of the VE.</summary>
    [Id(2)] public List<VeOverlayNode> Members { get; set; } = [];
}
