using Discovery.Abstractions.Security;

namespace Discovery.Client;

/// <summary>
/// Security policies attached to a tenant (scope <c>tenant</c>) or to one of its VEs (scope <c>tenant/ve</c>): where its
/// VMs and images may be, with whom they may share a node, how far from a site they may run (docs/security.md).
/// </summary>
public sealed class Policies
{
    private readonly IClusterClient _grains;
    private readonly Calls _calls;

    internal Policies(IClusterClient grains, Calls calls) => (_grains, _calls) = (grains, calls);

    /// <summary>Attaches the policy written in <paramref name="yaml"/> (null detaches); <see cref="ArgumentException"/> with line and column when it does not parse.</summary>
    public Task SetAsync(string scope, string? yaml, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"policy of {scope}", () => _grains.GetGrain<ISecurityPolicyGrain>(scope).SetAsync(yaml), cancellationToken);

    /// <summary>The policy attached to <paramref name="scope"/>, as written, or null.</summary>
    public Task<string?> GetAsync(string scope, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"policy of {scope}", () => _grains.GetGrain<ISecurityPolicyGrain>(scope).GetAsync(), cancellationToken);
}
