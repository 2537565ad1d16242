using System.Collections.Concurrent;
using Discovery.Grains.Hypervisors;
using Discovery.Images;

namespace Discovery.Grains.Images;

/// <summary>This silo's chunk stores, one directory per site it serves, under the silo's data directory.</summary>
public sealed class ChunkStores(HypervisorPool pool)
{
    private readonly ConcurrentDictionary<string, ChunkStore> _stores = new(StringComparer.Ordinal);

    /// <summary>The store of <paramref name="site"/> on this silo.</summary>
    public ChunkStore Of(string site) => _stores.GetOrAdd(site, s => new ChunkStore(Path.Combine(pool.DataRoot, "chunks", s)));

    /// <summary>Where a node's assembled image files go.</summary>
    public string ImageCacheOf(string node) => Path.Combine(pool.DataRoot, "images", node.Replace('/', '.'));
}
