using Orleans.Placement;

namespace Discovery.Abstractions.Placement;

/// <summary>
/// Places a grain on a silo of the site named by the first segment of its key (<c>lyon/node-17</c> runs on a
/// <c>lyon</c> silo). When no silo of that site is up, activation fails with
/// <see cref="SiteUnavailableException"/>: a node agent must never run on another site's silo.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("discovery.site-placement")]
public sealed class SitePlacement : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static SitePlacement Instance { get; } = new();
}

/// <summary>
/// Like <see cref="SitePlacement"/>, but when the key's site has no silo up the grain is placed on a silo of the
/// nearest site that has one. Use it for grains that merely prefer locality (never for node agents).
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("discovery.prefer-site-placement")]
public sealed class PreferSitePlacement : PlacementStrategy
{
    /// <summary>The shared instance.</summary>
    public static PreferSitePlacement Instance { get; } = new();
}

/// <summary>Marks a grain class whose key starts with a site: it is activated only on that site's silos.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SitePlacementAttribute() : PlacementAttribute(SitePlacement.Instance);

/// <summary>Marks a grain class that prefers its key's site but may fall back to the nearest site with a silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PreferSitePlacementAttribute() : PlacementAttribute(PreferSitePlacement.Instance);
