namespace Discovery.Abstractions.Scheduling;

/// <summary>
/// A node's cooperative scheduler (DVMS), keyed by the node's id and run on its site: it watches the node's VMs'
/// demand and, when the node is overloaded, fixes it with its nearest neighbours.
/// </summary>
public interface ISchedulerGrain : IGrainWithStringKey
{
    /// <summary>Starts watching the node (idempotent); the node's agent calls it once the node is registered.</summary>
    Task StartAsync();

    /// <summary>What the scheduler sees and does now.</summary>
    Task<SchedulerStatus> GetStatusAsync();
}

/// <summary>A node's scheduler at a glance.</summary>
/// <param name="Node">The node.</param>
/// <param name="CpuDemand">What its VMs want now, in vCPUs.</param>
/// <param name="Cpus">What it has.</param>
/// <param name="Partition">The partition it belongs to (leader#serial), or null.</param>
/// <param name="Members">The members of the partition it leads, itself first; empty when it leads none.</param>
/// <param name="PendingEvent">The event it is handling, or null.</param>
[GenerateSerializer, Immutable, Alias("discovery.scheduler-status")]
public sealed record SchedulerStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] double CpuDemand,
    [property: Id(2)] double Cpus,
    [property: Id(3)] string? Partition,
    [property: Id(4)] IReadOnlyList<string> Members,
    [property: Id(5)] string? PendingEvent);
