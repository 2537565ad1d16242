using System.Collections.Concurrent;
using Discovery.Grains.Hypervisors;
using Discovery.Images;

namespace Discovery.Grains.Images;

/// <summary>
/// This silo's chunk stores under the silo's data directory: per site it serves, one for shared chunks and one per
/// tenant whose chunks are kept apart (<see cref="ChunkKey.Tenant"/>), in separate directories so no store's listing
/// sees another's files.
/// </summary>
public sealed class ChunkStores(HypervisorPool pool)
{
    private readonly ConcurrentDictionary<(string Site, string? Tenant), ChunkStore> _stores = new();

    /// <summary>The shared store of <paramref name="site"/> on this silo.</summary>
    public ChunkStore Of(string site) => Of(site, null);

    /// <summary>The store of <paramref name="site"/> that holds chunks of <paramref name="tenant"/>'s scope (null: shared).</summary>
    public ChunkStore Of(string site, string? tenant) => _stores.GetOrAdd((site, tenant), k => new ChunkStore(k.Tenant is null
        ? Path.Combine(pool.DataRoot, "chunks", k.Site)
        : Path.Combine(pool.DataRoot, "tenant-chunks", k.Site, k.Tenant)));

    /// <summary>Every store of <paramref name="site"/> on this silo, with the tenant of its scope (null: shared).</summary>
    public IEnumerable<(string? Tenant, ChunkStore Store)> All(string site)
    {
        yield return (null, Of(site));
        var tenants = Path.Combine(pool.DataRoot, "tenant-chunks", site);
        if (!Directory.Exists(tenants))
            yield break;
        foreach (var directory in Directory.EnumerateDirectories(tenants))
            yield return (Path.GetFileName(directory), Of(site, Path.GetFileName(directory)));
    }

    /// <summary>Where a node's assembled image files go.</summary>
    public string ImageCacheOf(string node) => Path.Combine(pool.DataRoot, "images", node.Replace('/', '.'));
}
