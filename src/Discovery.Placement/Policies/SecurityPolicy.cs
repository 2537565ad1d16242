namespace Discovery.Placement.Policies;

/// <summary>
/// A tenant's or a VE's security policy: a name and clauses, each remembering the line it was written on so a
/// refusal can point at it.
/// </summary>
/// <param name="Name">The policy's name, as refusals quote it.</param>
/// <param name="Clauses">What it demands.</param>
public sealed record SecurityPolicy(string Name, IReadOnlyList<PolicyClause> Clauses);

/// <summary>One demand of a policy.</summary>
/// <param name="Keyword">How it is written (<c>allow-sites</c>, …).</param>
/// <param name="Line">The line of the policy text it is on (1-based).</param>
public abstract record PolicyClause(string Keyword, int Line);

/// <summary>Its VMs and images only on these sites or regions (a jurisdiction).</summary>
public sealed record AllowSites(IReadOnlyList<string> Places, int Line) : PolicyClause("allow-sites", Line);

/// <summary>Never on these sites or regions.</summary>
public sealed record ForbidSites(IReadOnlyList<string> Places, int Line) : PolicyClause("forbid-sites", Line);

/// <summary>Its VMs share no node with another tenant's.</summary>
public sealed record ExclusiveNodes(int Line) : PolicyClause("exclusive-nodes", Line);

/// <summary>Its VMs share no node with these tenants' VMs.</summary>
public sealed record NoColocationWith(IReadOnlyList<string> Tenants, int Line) : PolicyClause("no-colocation-with", Line);

/// <summary>Its VMs boot only images encrypted at rest.</summary>
public sealed record EncryptedImages(int Line) : PolicyClause("encrypted-images", Line);

/// <summary>
/// Its images' chunks are never deduplicated with another tenant's: an import neither finds nor reveals content other
/// tenants hold (with <c>Discovery:Images:CrossTenantDedup</c> <c>Auto</c>, the default).
/// </summary>
public sealed record IsolatedImages(int Line) : PolicyClause("isolated-images", Line);

/// <summary>Its VMs at most <paramref name="Ms"/> of RTT from site <paramref name="To"/>.</summary>
public sealed record MaxRtt(string To, double Ms, int Line) : PolicyClause("max-rtt", Line);
