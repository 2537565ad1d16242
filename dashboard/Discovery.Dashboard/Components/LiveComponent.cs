using Discovery.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Discovery.Dashboard.Components;

/// <summary>
/// A component that redraws when the live feed changes, at most every <see cref="MinInterval"/> so that a burst of
/// coordinate updates costs one render, not hundreds.
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private int _pending;

    /// <summary>The shortest time between two redraws caused by the feed.</summary>
    protected virtual TimeSpan MinInterval => TimeSpan.FromMilliseconds(500);

    /// <summary>The console's live view of the cluster.</summary>
    [Inject] protected LiveFeed Feed { get; set; } = null!;

    /// <summary>Called (on the component's dispatcher) before a redraw caused by the feed.</summary>
    protected virtual Task OnFeedChangedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    protected override void OnInitialized() => Feed.Changed += OnChanged;

    private void OnChanged()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
            return;
        _ = InvokeAsync(async () =>
        {
            await Task.Delay(MinInterval);
            Interlocked.Exchange(ref _pending, 0);
            await OnFeedChangedAsync();
            StateHasChanged();
        });
    }

    /// <inheritdoc />
    public virtual void Dispose()
    {
        Feed.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
