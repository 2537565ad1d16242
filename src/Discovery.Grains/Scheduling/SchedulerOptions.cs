using Discovery.Scheduling.Energy;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;
using Discovery.Scheduling.Procedures;
using Discovery.Scheduling.Workload;

namespace Discovery.Grains.Scheduling;

/// <summary>Where VMs' CPU demand comes from when no operator set one.</summary>
public enum WorkloadModel
{
    /// <summary>A seeded random walk per VM between 0 and its vCPUs (libvirt's test driver reports constant figures).</summary>
    RandomWalk,

    /// <summary>Only what operators set (<c>IVmGrain.SetCpuDemandAsync</c>); other VMs want no CPU. For tests and demos.</summary>
    OperatorOnly,
}

/// <summary>Cooperative scheduling (DVMS) of the node agents (<c>Discovery:Scheduling:*</c>).</summary>
public sealed class SchedulerOptions
{
    /// <summary>Whether node agents watch their load and fix overloads with their neighbours.</summary>
    public bool Enabled { get; set; }

    /// <summary>Also empty lightly loaded nodes (consolidation); overload repair always comes first.</summary>
    public bool Consolidation { get; set; }

    /// <summary>How often a node samples its VMs' demand.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many nearest nodes a node may ask to join its partition.</summary>
    public int Neighbours { get; set; } = 16;

    /// <summary>Where demand comes from.</summary>
    public WorkloadModel Workload { get; set; } = WorkloadModel.RandomWalk;

    /// <summary>The random walk's settings.</summary>
    public RandomWalkOptions RandomWalk { get; set; } = new();

    /// <summary>When a node raises an event.</summary>
    public OverloadOptions Overload { get; set; } = new();

    /// <summary>The partition planner's limits.</summary>
    public PlannerOptions Planner { get; set; } = new();

    /// <summary>The procedure's timeouts.</summary>
    public DvmsOptions Procedure { get; set; } = new();

    /// <summary>Nodes' idle, peak and standby watts (each site's PUE comes from the infrastructure file).</summary>
    public PowerOptions Power { get; set; } = new();

    /// <summary>Null when usable, else which value is wrong.</summary>
    public string? Validate()
    {
        if (MonitorInterval <= TimeSpan.Zero)
            return $"Scheduling:MonitorInterval must be positive (got {MonitorInterval})";
        if (Neighbours < 1)
            return $"Scheduling:Neighbours must be at least 1 (got {Neighbours})";
        try
        {
            (RandomWalk.Validate(), Overload.Validate(), Planner.Validate(), Procedure.Validate(), Power.Validate()).ToString();
            return null;
        }
        catch (ArgumentException e)
        {
            return $"Scheduling: {e.Message}";
        }
    }
}
