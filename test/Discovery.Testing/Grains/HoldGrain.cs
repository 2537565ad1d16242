namespace Discovery.Testing.Grains;

/// <summary>A test grain that keeps itself busy for as long as asked: calls behind it queue, deterministically.</summary>
[Alias("discovery.test.hold")]
public interface IHoldGrain : IGrainWithStringKey
{
    /// <summary>Returns after <paramref name="duration"/>, holding the grain (not reentrant) meanwhile.</summary>
    [Alias("hold")]
    Task HoldAsync(TimeSpan duration);
}

/// <inheritdoc cref="IHoldGrain" />
public sealed class HoldGrain : Grain, IHoldGrain
{
    /// <inheritdoc />
    public Task HoldAsync(TimeSpan duration) => Task.Delay(duration);
}
