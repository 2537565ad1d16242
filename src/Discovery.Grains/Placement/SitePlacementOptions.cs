namespace Discovery.Grains.Placement;

/// <summary>Tuning of the site placement directors.</summary>
public sealed class SitePlacementOptions
{
    /// <summary>
    /// How long placement waits for a newly joined silo's metadata (its site) to reach this silo before deciding that
    /// a site has no silo. Metadata travels right after a silo joins, so this only matters during joins.
    /// </summary>
    public TimeSpan MetadataWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often placement re-reads the silos' metadata while it waits.</summary>
    public TimeSpan MetadataPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
