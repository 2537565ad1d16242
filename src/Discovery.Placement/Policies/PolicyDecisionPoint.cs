namespace Discovery.Placement.Policies;

/// <summary>A policy in force, with whose it is (a tenant, or a VE).</summary>
public sealed record AttachedPolicy(string Owner, SecurityPolicy Policy);

/// <summary>What the decision point needs to know about placing something of a tenant on a node or site.</summary>
/// <param name="Tenant">Whose VM or image it is.</param>
/// <param name="Action">What is being done, for the refusal (<c>deploy acme/shop/web</c>).</param>
/// <param name="Site">The site it would be on.</param>
/// <param name="Region">That site's region, if known.</param>
/// <param name="Policies">The policies of the tenant and of the VE.</param>
/// <param name="Node">The node it would be on; null for site-level actions (image replication).</param>
/// <param name="Neighbours">The other tenants with VMs on that node, each with its own policies.</param>
/// <param name="RttToSite">The estimated RTT from the node or site to a named site, in ms, or null when unknown.</param>
/// <param name="ImageEncrypted">Whether the VM's image is encrypted at rest; null for no image or no VM.</param>
public sealed record PolicyRequest(
    string Tenant,
    string Action,
    string Site,
    string? Region,
    IReadOnlyList<AttachedPolicy> Policies,
    string? Node = null,
    IReadOnlyDictionary<string, IReadOnlyList<AttachedPolicy>>? Neighbours = null,
    Func<string, double?>? RttToSite = null,
    bool? ImageEncrypted = null);

/// <summary>
/// The one check every path that places or moves something asks — deploy, relocation, the schedulers' moves, image
/// replication — so none can skip a policy. A refusal names the policy, whose it is, the clause and its line.
/// </summary>
public static class PolicyDecisionPoint
{
    /// <summary>Null when every policy allows the request, else why not.</summary>
    public static string? Refuse(PolicyRequest request)
    {
        foreach (var attached in request.Policies)
        {
            foreach (var clause in attached.Policy.Clauses)
            {
                if (Own(clause, request) is { } why)
                    return Refusal(request, attached, clause, why);
            }
        }
        // The neighbours' policies bind too: an exclusive tenant's node is closed to everyone else.
        foreach (var (neighbour, policies) in request.Neighbours ?? new Dictionary<string, IReadOnlyList<AttachedPolicy>>())
        {
            foreach (var attached in policies)
            {
                foreach (var clause in attached.Policy.Clauses)
                {
                    if (Neighbours(clause, request.Tenant) is { } why)
                        return Refusal(request, attached, clause, $"node {request.Node} hosts {neighbour}, which {why}");
                }
            }
        }
        return null;
    }

    private static string Refusal(PolicyRequest request, AttachedPolicy attached, PolicyClause clause, string why) =>
        $"{request.Action}: refused by policy '{attached.Policy.Name}' of {attached.Owner}, clause {clause.Keyword} (line {clause.Line}): {why}";

    private static string? Own(PolicyClause clause, PolicyRequest r)
    {
        var others = (r.Neighbours?.Keys ?? []).Where(t => t != r.Tenant).ToList();
        return clause switch
        {
            AllowSites a when !Matches(a.Places, r) => $"site {Where(r)} is not among {string.Join(", ", a.Places)}",
            ForbidSites f when Matches(f.Places, r) => $"site {Where(r)} is forbidden",
            ExclusiveNodes when r.Node is not null && others.Count > 0 => $"node {r.Node} hosts other tenants' VMs ({string.Join(", ", others)})",
            NoColocationWith n when r.Node is not null && others.Intersect(n.Tenants).ToList() is { Count: > 0 } shared => $"node {r.Node} hosts {string.Join(", ", shared)}",
            EncryptedImages when r.ImageEncrypted == false => "the VM's image is not encrypted at rest (it was imported into chunk stores without the operator's key, Images:KeyFile)",
            MaxRtt m when r.RttToSite?.Invoke(m.To) is { } rtt && rtt > m.Ms => $"{r.Node ?? r.Site} is {rtt:0.#} ms from {m.To}, more than {m.Ms:0.#} ms",
            _ => null,
        };
    }

    private static string? Neighbours(PolicyClause clause, string tenant) => clause switch
    {
        ExclusiveNodes => "keeps its nodes to itself",
        NoColocationWith n when n.Tenants.Contains(tenant) => $"refuses to share a node with {tenant}",
        _ => null,
    };

    private static bool Matches(IReadOnlyList<string> places, PolicyRequest r) =>
        places.Contains(r.Site) || (r.Region is not null && places.Contains(r.Region)) || (r.Node is not null && places.Contains(r.Node));

    private static string Where(PolicyRequest r) => r.Region is null ? r.Site : $"{r.Site} ({r.Region})";
}
