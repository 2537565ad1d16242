namespace Discovery.Grains;

/// <summary>Names of the storage providers every silo configures, in memory or in PostgreSQL.</summary>
public static class StorageNames
{
    /// <summary>Grain state of nodes, sites, VMs and VEs.</summary>
    public const string State = "discovery";

    /// <summary>Subscriptions of the stream pub-sub system (Orleans' required name).</summary>
    public const string PubSub = "PubSubStore";
}
