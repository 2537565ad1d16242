namespace Discovery.Scheduling.Workload;

/// <summary>Where VM demand comes from: a model (random walk) or a recorded trace.</summary>
public interface IDemandSource
{
    /// <summary>The demand of <paramref name="vm"/> at <paramref name="timeSeconds"/> since the start of the run.</summary>
    /// <exception cref="ArgumentException">The source knows nothing of <paramref name="vm"/>.</exception>
    VmLoad DemandAt(string vm, double timeSeconds);
}
