namespace Discovery.Scheduling.Procedures;

/// <summary>Timeouts and limits of the DVMS procedure.</summary>
/// <param name="ReplyTimeoutSeconds">How long a leader waits for a node's answer before skipping it.</param>
/// <param name="RenewSeconds">How often a leader tells its members it is alive.</param>
/// <param name="LeaseSeconds">How long a member stays held without hearing from its leader; must exceed <paramref name="RenewSeconds"/>.</param>
/// <param name="RetrySeconds">How long a procedure that gave way waits before it starts again.</param>
/// <param name="MaxAttempts">How many times a procedure starts before its event is reported unsolvable.</param>
public sealed record DvmsOptions(double ReplyTimeoutSeconds = 2, double RenewSeconds = 1, double LeaseSeconds = 5, double RetrySeconds = 1, int MaxAttempts = 20)
{
    /// <summary>Throws when a value is out of range, naming it and what would be valid.</summary>
    public DvmsOptions Validate()
    {
        Positive(ReplyTimeoutSeconds, nameof(ReplyTimeoutSeconds));
        Positive(RenewSeconds, nameof(RenewSeconds));
        Positive(RetrySeconds, nameof(RetrySeconds));
        if (!(LeaseSeconds > RenewSeconds) || double.IsInfinity(LeaseSeconds))
            throw new ArgumentOutOfRangeException(nameof(LeaseSeconds), LeaseSeconds, $"LeaseSeconds must exceed RenewSeconds ({RenewSeconds}) or members drop live leaders");
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1");
        return this;
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive number of seconds");
    }
}
