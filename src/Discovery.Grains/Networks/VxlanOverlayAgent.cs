using System.Net;
using Discovery.Network.Overlay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Networks;

/// <summary>
/// The silo's host's part of every VE overlay (with <see cref="NetworkOptions.Overlay"/> = Vxlan): reads what the host
/// has, plans with <see cref="VxlanOverlay"/> and runs the commands. One per silo; the node agents of the silo share
/// it, since they share the host's devices, so changes are made one at a time.
/// </summary>
public sealed class VxlanOverlayAgent(IOptions<NetworkOptions> options, IOverlayCommandRunner runner, ILogger<VxlanOverlayAgent> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _applied = new(StringComparer.Ordinal); // VE -> version of the last view applied

    /// <summary>This host's underlay address, as members know it.</summary>
    public string LocalAddress => options.Value.OverlayLocalAddress
        ?? throw new InvalidOperationException("Networks: OverlayLocalAddress is not set");

    /// <summary>Makes the host flood to every other host of <paramref name="view"/>, or removes its device when no member is here.</summary>
    public async Task ApplyAsync(VeOverlayView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Vni == 0)
            return;
        await _gate.WaitAsync();
        try
        {
            if (_applied.TryGetValue(view.Ve, out var applied) && applied > view.Version)
                return;
            var overlay = new VxlanOverlay(IPAddress.Parse(LocalAddress), options.Value.OverlayPort);
            var observed = await ObserveAsync(view.Vni);
            var members = view.Members.Select(m => new OverlayMember(m.Node, m.Underlay)).ToList();
            var commands = members.Any(m => m.Underlay == LocalAddress)
                ? overlay.Converge(view.Vni, OverlayMembership.FloodingOf(members, LocalAddress).Select(IPAddress.Parse), observed)
                : VxlanOverlay.Remove(view.Vni, observed);
            foreach (var command in commands)
                await RunAsync(command);
            _applied[view.Ve] = view.Version;
            if (commands.Count > 0)
                logger.LogInformation("VE {Ve}: VXLAN {Vni} on this host {Change} (membership {Version}; {Count} commands)",
                    view.Ve, view.Vni, Describe(members), view.Version, commands.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Describe(IReadOnlyList<OverlayMember> members) =>
        members.All(m => m.Underlay != LocalAddress) ? "removed: no VM of the VE left here"
        : OverlayMembership.FloodingOf(members, LocalAddress) is { Count: > 0 } remotes ? $"floods to {string.Join(", ", remotes)}"
        : "has no other host to flood to";

    private async Task<VxlanHostState> ObserveAsync(int vni)
    {
        var bridge = await runner.RunAsync(VxlanOverlay.ShowLink(VxlanOverlay.BridgeName(vni)));
        var device = await runner.RunAsync(VxlanOverlay.ShowLink(VxlanOverlay.DeviceName(vni)));
        var forwarding = device.Ok ? await RunAsync(VxlanOverlay.ShowForwarding(vni)) : null;
        return VxlanOverlay.Observe(bridge.Ok ? bridge.Output : null, device.Ok ? device.Output : null, forwarding);
    }

    private async Task<string> RunAsync(OverlayCommand command)
    {
        var result = await runner.RunAsync(command);
        if (!result.Ok)
            throw new OverlayCommandException($"`{command}` failed (exit {result.ExitCode}): {result.Error.Trim()}");
        return result.Output;
    }
}
