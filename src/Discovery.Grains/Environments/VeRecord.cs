using Discovery.Abstractions.Environments;

namespace Discovery.Grains.Environments;

/// <summary>The stored record of a VE.</summary>
[GenerateSerializer, Alias("discovery.ve-record")]
public sealed class VeRecord
{
    /// <summary>The spec, null until configured.</summary>
    [Id(0)] public VeSpec? Spec { get; set; }

    /// <summary>Where it is in its lifecycle.</summary>
    [Id(1)] public VeStatus Status { get; set; }

    /// <summary>Where it was placed close to.</summary>
    [Id(2)] public Requester? Requester { get; set; }

    /// <summary>The node of each placed VM.</summary>
    [Id(3)] public Dictionary<string, string> Nodes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The latest completed requests, oldest first, for idempotent retries.</summary>
    [Id(4)] public List<CompletedRequest> Requests { get; set; } = [];

    /// <summary>VMs to start again elsewhere (protected ones whose node was lost, failed ones their tenant repairs) that no node took yet, with why.</summary>
    [Id(5)] public Dictionary<string, string> AwaitingCapacity { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The outcome of a request: its result, or the error it ended with.</summary>
[GenerateSerializer, Immutable, Alias("discovery.ve-request")]
public sealed record CompletedRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Operation,
    [property: Id(2)] VeInfo? Result,
    [property: Id(3)] string? Error = null,
    [property: Id(4)] string? ErrorKind = null);
