using System.Collections.Concurrent;
using Discovery.Grains.Hypervisors;
using Discovery.Images;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Images;

/// <summary>
/// This silo's chunk stores under the silo's data directory: per site it serves, one for shared chunks and one per
/// tenant whose chunks are kept apart (<see cref="ChunkKey.Tenant"/>), in separate directories so no store's listing
/// sees another's files. With the operator's key (<see cref="ImageOptions.KeyFile"/>) every store seals its files,
/// each scope under its own key.
/// </summary>
public sealed class ChunkStores(HypervisorPool pool, IOptions<ImageOptions> options)
{
    private readonly ConcurrentDictionary<(string Site, string? Tenant), ChunkStore> _stores = new();
    private readonly Lazy<byte[]?> _key = new(() => options.Value.KeyFile is { } file ? ChunkCipher.ReadKeyFile(file) : null);

    /// <summary>Whether this silo's stores seal chunks at rest.</summary>
    public bool EncryptAtRest => _key.Value is not null;

    /// <summary>The shared store of <paramref name="site"/> on this silo.</summary>
    public ChunkStore Of(string site) => Of(site, null);

    /// <summary>The store of <paramref name="site"/> that holds chunks of <paramref name="tenant"/>'s scope (null: shared).</summary>
    public ChunkStore Of(string site, string? tenant) => _stores.GetOrAdd((site, tenant), k => new ChunkStore(
        k.Tenant is null ? Path.Combine(pool.DataRoot, "chunks", k.Site) : Path.Combine(pool.DataRoot, "tenant-chunks", k.Site, k.Tenant),
        _key.Value is { } key ? new ChunkCipher(key, k.Tenant is null ? "shared" : "tenant/" + k.Tenant) : null));

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
