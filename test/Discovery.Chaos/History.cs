using System.Collections.Concurrent;
using Discovery.Abstractions.Environments;

namespace Discovery.Chaos;

/// <summary>How an operation ended, as the tenant saw it.</summary>
public enum Outcome
{
    /// <summary>The cluster answered that it was done.</summary>
    Acknowledged,

    /// <summary>The cluster answered that it would not do it (placement failed, wrong state): a definite no.</summary>
    Refused,

    /// <summary>No answer, even after retries with the same request id: it may or may not have happened.</summary>
    Unknown,
}

/// <summary>One tenant operation of the history.</summary>
public sealed record OperationRecord(string Ve, string Kind, string RequestId, DateTimeOffset Started, TimeSpan Took, Outcome Outcome, int Attempts, string? Detail);

/// <summary>
/// What the tenants were told about one VE, which is what the checker may hold the system to: an operation that was
/// never acknowledged proves nothing either way.
/// </summary>
public sealed class VeModel(string name, VeSpec spec)
{
    /// <summary>The VE's name (<c>tenant/name</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The spec it was created with.</summary>
    public VeSpec Spec { get; } = spec;

    /// <summary>The creation was acknowledged.</summary>
    public bool CreateAcknowledged { get; set; }

    /// <summary>A deployment was acknowledged.</summary>
    public bool DeployAcknowledged { get; set; }

    /// <summary>A deletion was attempted: from then on the VE may or may not exist until one is acknowledged.</summary>
    public bool DeleteAttempted { get; set; }

    /// <summary>A deletion was acknowledged: the VE and its VMs must be gone.</summary>
    public bool DeleteAcknowledged { get; set; }

    /// <summary>Some operation's outcome is unknown.</summary>
    public bool Uncertain { get; set; }

    /// <summary>The last acknowledged lifecycle operation was a suspension.</summary>
    public bool Suspended { get; set; }

    /// <summary>The VE must exist.</summary>
    public bool MustExist => CreateAcknowledged && !DeleteAttempted;

    /// <summary>Every VM of the VE must exist on a node.</summary>
    public bool MustBeDeployed => MustExist && DeployAcknowledged;
}

/// <summary>The run's history: every operation in the order it finished, and the tenants' view of every VE.</summary>
public sealed class History
{
    private readonly ConcurrentQueue<OperationRecord> _operations = new();

    /// <summary>Every VE the workload created or tried to, by name.</summary>
    public ConcurrentDictionary<string, VeModel> Ves { get; } = new();

    /// <summary>The operations so far.</summary>
    public IReadOnlyList<OperationRecord> Operations => _operations.ToList();

    /// <summary>Appends a finished operation.</summary>
    public void Add(OperationRecord operation) => _operations.Enqueue(operation);

    /// <summary>How many operations ended with <paramref name="outcome"/>.</summary>
    public int Count(Outcome outcome) => _operations.Count(o => o.Outcome == outcome);
}
