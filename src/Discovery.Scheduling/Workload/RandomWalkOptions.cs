namespace Discovery.Scheduling.Workload;

/// <summary>How the random-walk workload moves.</summary>
/// <param name="Seed">Same seed, same walk for every VM.</param>
/// <param name="StepSeconds">How often each VM's CPU demand takes a step.</param>
/// <param name="Volatility">Probability that a VM's demand changes at a step (0 to 1).</param>
/// <param name="MaxStepFraction">Largest change at one step, as a fraction of the VM's vCPUs (0 to 1].</param>
/// <param name="InitialFraction">Starting demand as a fraction of the VM's vCPUs (0 to 1).</param>
public sealed record RandomWalkOptions(int Seed = 1, double StepSeconds = 30, double Volatility = 0.5, double MaxStepFraction = 0.25, double InitialFraction = 0.5)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public RandomWalkOptions Validate()
    {
        if (!(StepSeconds > 0) || double.IsInfinity(StepSeconds))
            throw new ArgumentOutOfRangeException(nameof(StepSeconds), StepSeconds, "StepSeconds must be a positive number of seconds");
        if (Volatility is < 0 or > 1 || double.IsNaN(Volatility))
            throw new ArgumentOutOfRangeException(nameof(Volatility), Volatility, "Volatility is a probability between 0 and 1");
        if (!(MaxStepFraction > 0) || MaxStepFraction > 1)
            throw new ArgumentOutOfRangeException(nameof(MaxStepFraction), MaxStepFraction, "MaxStepFraction must be in (0, 1]");
        if (InitialFraction is < 0 or > 1 || double.IsNaN(InitialFraction))
            throw new ArgumentOutOfRangeException(nameof(InitialFraction), InitialFraction, "InitialFraction must be between 0 and 1");
        return this;
    }
}
