using System.Collections.Concurrent;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Environments;
using Discovery.Placement.Policies;

namespace Discovery.Grains.Security;

/// <summary>
/// Gathers what the <see cref="PolicyDecisionPoint"/> needs — the policies in force, the node's other tenants and
/// their policies, the site's region and distances — and asks it. Grains call it wherever they place or move.
/// </summary>
public sealed class PolicyEnforcement(IGrainFactory grains, LatencyEstimator latency)
{
    private readonly ConcurrentDictionary<string, SecurityPolicy> _parsed = new();

    /// <summary>Null when VM <paramref name="vm"/> may be on <paramref name="node"/>, else the refusal.</summary>
    public async Task<string?> RefuseVmAsync(string action, string vm, string node, string? image = null)
    {
        var id = VmId.Parse(vm);
        if (id.Tenant is not { } tenant)
            return null;
        var ve = id.Ve!;
        var site = NodeId.Parse(node).Site;
        var hosted = (await grains.GetGrain<INodeGrain>(node).GetInfoAsync()).Vms ?? [];
        var neighbours = new Dictionary<string, IReadOnlyList<AttachedPolicy>>();
        foreach (var other in hosted.Select(v => VmId.Parse(v).Tenant).OfType<string>().Where(t => t != tenant).Distinct())
            neighbours[other] = await PoliciesAsync(other);
        return PolicyDecisionPoint.Refuse(new PolicyRequest(tenant, $"{action} {vm} on {node}", site, latency.RegionOf(site),
            await PoliciesAsync(tenant, ve), node, neighbours, to => latency.SiteRttMs(site, to),
            ImageEncrypted: image is null ? null : (await grains.GetGrain<IImageGrain>(image).GetDetailsAsync())?.EncryptedAtRest ?? false));
    }

    /// <summary>
    /// The constraints that steer the placement of <paramref name="ve"/>'s VMs clear of its policies' forbidden sites,
    /// and the clauses they come from, for the message of a placement that fails because of them.
    /// </summary>
    public async Task<(IReadOnlyList<PlacementConstraint> Constraints, string Clauses)> SteeringAsync(VeId ve)
    {
        var policies = await PoliciesAsync(ve.Tenant, ve.ToString());
        var clauses = policies.SelectMany(p => p.Policy.Clauses.Where(c => c is AllowSites or ForbidSites)
            .Select(c => $"policy '{p.Policy.Name}' of {p.Owner}, clause {c.Keyword} (line {c.Line})"));
        return (PolicySteering.Constraints(policies), string.Join("; ", clauses));
    }

    /// <summary>The sites among <paramref name="sites"/> where <paramref name="tenant"/>'s policy lets its data be.</summary>
    public async Task<IReadOnlyList<string>> AllowedSitesAsync(string tenant, string action, IEnumerable<string> sites)
    {
        var policies = await PoliciesAsync(tenant);
        return sites.Where(s => PolicyDecisionPoint.Refuse(new PolicyRequest(tenant, action, s, latency.RegionOf(s), policies)) is null).ToList();
    }

    /// <summary>True when a policy of <paramref name="tenant"/>'s account asks for <see cref="IsolatedImages"/>.</summary>
    public async Task<bool> IsolatesImagesAsync(string tenant) =>
        (await PoliciesAsync(tenant)).Any(p => p.Policy.Clauses.OfType<IsolatedImages>().Any());

    private async Task<IReadOnlyList<AttachedPolicy>> PoliciesAsync(params string[] scopes)
    {
        var attached = new List<AttachedPolicy>();
        foreach (var scope in scopes)
        {
            if (await grains.GetGrain<ISecurityPolicyGrain>(scope).GetAsync() is { } text)
                attached.Add(new AttachedPolicy(scope, _parsed.GetOrAdd(text, PolicyParser.Parse)));
        }
        return attached;
    }
}
