namespace Discovery.Testing;

/// <summary>Waits for a condition by polling with a deadline, instead of sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>The default patience.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> describing <paramref name="what"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var pause = TimeSpan.FromMilliseconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}");
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Synchronous-condition overload of <see cref="HoldsAsync(Func{Task{bool}}, string, TimeSpan?)"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}
