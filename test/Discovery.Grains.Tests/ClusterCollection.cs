using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests;

/// <summary>Tests that share one three-site cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<SiteClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "three-site cluster";
}

/// <summary>
/// Tests that start clusters of their own and kill silos. They run alone, after the others: on a 2-core machine a
/// second cluster under load starves the shared cluster's membership probes, and a healthy silo gets declared dead.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OwnClusterCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "own cluster";
}
