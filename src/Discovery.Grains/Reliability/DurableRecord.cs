using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Reliability;

/// <summary>
/// Writing a grain's record through a database restart. A restart takes seconds; a change already made (on a
/// hypervisor, on other grains) must not stay unrecorded, so the write is tried again for a while. If it still fails,
/// the caller's activation must go, so that its next call reloads what storage holds rather than trust a state that
/// was never stored (found by the chaos suite: a VM left Migrating, reserved on two nodes, after a PostgreSQL restart).
/// </summary>
internal static class DurableRecord
{
    // 1 + 2 + 3 + 4 + 5 s: longer than a database restart, shorter than the 30 s a caller waits for an answer.
    private const int Attempts = 6;
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Writes <paramref name="state"/>; on the last failure calls <paramref name="forget"/> (the grain's
    /// <c>DeactivateOnIdle</c>) and throws. An etag conflict is not retried: another activation wrote, and Orleans
    /// deactivates this one.
    /// </summary>
    public static async Task WriteAsync<T>(IPersistentState<T> state, Action forget, ILogger logger, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (Exception e) when (e is not (OutOfMemoryException or Orleans.Storage.InconsistentStateException))
            {
                if (attempt >= Attempts)
                {
                    forget();
                    throw;
                }
                logger.LogWarning("{What}: writing its record failed ({Reason}); trying again", what, e.GetBaseException().Message);
                await Task.Delay(Backoff * attempt);
            }
        }
    }
}
