namespace Discovery.Abstractions.Events;

/// <summary>
/// Where events are published: stream provider <see cref="Provider"/>, namespace <see cref="Namespace"/>, one stream
/// per site keyed by the site's name. A subscriber that wants everything subscribes to every site's stream.
/// </summary>
public static class DiscoveryStreams
{
    /// <summary>The stream provider's name, configured on silos and clients.</summary>
    public const string Provider = "discovery";

    /// <summary>The namespace of the per-site event streams.</summary>
    public const string Namespace = "discovery.events";
}
