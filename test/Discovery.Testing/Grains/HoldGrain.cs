using Orleans.Concurrency;

namespace Discovery.Testing.Grains;

/// <summary>A test grain that keeps itself busy for as long as asked: calls behind it queue, deterministically.</summary>
[Alias("discovery.test.hold")]
public interface IHoldGrain : IGrainWithStringKey
{
    /// <summary>Returns after <paramref name="duration"/>, holding the grain (not reentrant) meanwhile.</summary>
    [Alias("hold")]
    Task HoldAsync(TimeSpan duration);

    /// <summary>Whether a hold runs now; answered during one.</summary>
    [Alias("holding"), AlwaysInterleave]
    Task<bool> IsHoldingAsync();
}

/// <inheritdoc cref="IHoldGrain" />
public sealed class HoldGrain : Grain, IHoldGrain
{
    private bool _holding;

    /// <inheritdoc />
    public async Task HoldAsync(TimeSpan duration)
    {
        _holding = true;
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            _holding = false;
        }
    }

    /// <inheritdoc />
    public Task<bool> IsHoldingAsync() => Task.FromResult(_holding);
}
