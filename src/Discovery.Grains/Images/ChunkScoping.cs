using Discovery.Grains.Security;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Images;

/// <summary>
/// Decides in whose scope an import's chunks are looked up and stored: shared by all tenants, or the importing
/// tenant's own (<see cref="ImageOptions.CrossTenantDedup"/>, and with <c>Auto</c> the tenant's policy). The one place
/// that decides it, asked by the chunk store when a tenant uploads and by the image when it commits.
/// </summary>
public sealed class ChunkScoping(IOptions<ImageOptions> options, PolicyEnforcement policies)
{
    /// <summary>The tenant whose scope <paramref name="tenant"/>'s chunks go in, or null for the shared scope.</summary>
    public async Task<string?> ScopeOfAsync(string? tenant) =>
        tenant is null ? null
        : Scope(options.Value.CrossTenantDedup, tenant, options.Value.CrossTenantDedup == CrossTenantDedup.Auto && await policies.IsolatesImagesAsync(tenant));

    /// <summary>
    /// The rule itself: under <paramref name="mode"/>, the chunks of <paramref name="tenant"/> (whose policy does or
    /// does not ask for isolated images) go in its own scope (the tenant's name) or the shared one (null).
    /// </summary>
    public static string? Scope(CrossTenantDedup mode, string tenant, bool tenantAsksIsolation) => mode switch
    {
        CrossTenantDedup.Shared => null,
        CrossTenantDedup.Isolated => tenant,
        _ => tenantAsksIsolation ? tenant : null,
    };

    /// <summary>The keys of <paramref name="hashes"/> (hex) in <paramref name="tenant"/>'s scope.</summary>
    public async Task<IReadOnlyList<ChunkKey>> KeysAsync(string? tenant, IEnumerable<string> hashes)
    {
        var scope = await ScopeOfAsync(tenant);
        return hashes.Select(h => ChunkKey.In(scope, h)).ToList();
    }
}
