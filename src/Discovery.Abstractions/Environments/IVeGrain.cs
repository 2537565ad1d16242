using Orleans.Concurrency;

namespace Discovery.Abstractions.Environments;

/// <summary>
/// A virtual environment, keyed by its <see cref="VeId"/> (<c>tenant/name</c>). Every operation that changes it takes
/// a request id: retrying a request with the same id returns the first outcome instead of doing it twice. Progress
/// of long operations is published on stream namespace <see cref="VeStreams.Namespace"/>, keyed by the VE id.
/// </summary>
[Alias("discovery.ve")]
public interface IVeGrain : IGrainWithStringKey
{
    /// <summary>Creates the VE or replaces its spec while nothing is deployed; refuses an invalid spec with every problem named.</summary>
    [Alias("configure")]
    Task<VeInfo> ConfigureAsync(VeSpec spec, string requestId);

    /// <summary>
    /// Places every VM close to <paramref name="near"/> (default: the spec's locality, else the caller), reserves and
    /// starts them all. Either the whole VE runs, or nothing is left reserved and the error says why.
    /// </summary>
    [Alias("deploy")]
    Task<VeInfo> DeployAsync(string requestId, Locality? near = null);

    /// <summary>Pauses every running VM.</summary>
    [Alias("suspend")]
    Task<VeInfo> SuspendAsync(string requestId);

    /// <summary>Continues every paused VM.</summary>
    [Alias("resume")]
    Task<VeInfo> ResumeAsync(string requestId);

    /// <summary>Stops every VM; they keep their nodes and can be started again.</summary>
    [Alias("stop")]
    Task<VeInfo> StopAsync(string requestId, bool force = false);

    /// <summary>Starts every stopped VM where it is.</summary>
    [Alias("start")]
    Task<VeInfo> StartAsync(string requestId);

    /// <summary>
    /// Starts again each VM that failed with its node and was not protected (a protected VM comes back by itself), on
    /// a node chosen as a relocation would: every constraint, nearest the requester, the other VMs where they are. A
    /// VM that finds no node waits for capacity and is tried again, its reason in its state.
    /// </summary>
    [Alias("repair")]
    Task<VeInfo> RepairAsync(string requestId);

    /// <summary>
    /// Moves VM <paramref name="vm"/> (null: every VM) close to <paramref name="to"/>, keeping every constraint; a VM
    /// under <c>Root</c> never moves and the refusal says so.
    /// </summary>
    [Alias("relocate")]
    Task<VeInfo> RelocateAsync(Locality to, string requestId, string? vm = null);

    /// <summary>
    /// Moves VM <paramref name="vm"/> to node <paramref name="node"/> exactly (the schedulers' primitive), refusing
    /// with the reason when a constraint of the VE would break there.
    /// </summary>
    Task<VeInfo> MoveVmAsync(string vm, string node, string requestId);

    /// <summary>Removes every VM and forgets the VE.</summary>
    [Alias("delete")]
    Task DeleteAsync(string requestId);

    /// <summary>Where each VM runs now, in which state, and its estimated RTT to the requester.</summary>
    [Alias("locate"), AlwaysInterleave]
    Task<VeInfo> LocateAsync();
}

/// <summary>Where VE progress events are published.</summary>
public static class VeStreams
{
    /// <summary>The stream namespace; the stream key is the VE id.</summary>
    public const string Namespace = "discovery.ve";
}
